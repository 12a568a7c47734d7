"""bilibili web API client: transport, envelope and typed errors, login; base URLs are
settings so the same code talks to the real hosts or to the bundled simulator."""
