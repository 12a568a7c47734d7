import threading

from launcher.secret_file import ensure_secret_file
from settings import Settings


def test_creates_once_and_keeps(tmp_path):
    path = tmp_path / "dir" / "key"
    assert ensure_secret_file(path) is True
    first = path.read_text()
    assert ensure_secret_file(path) is False and path.read_text() == first
    assert (path.stat().st_mode & 0o777) == 0o600
    assert Settings.from_env({"BILIREC_SECRET_KEY_FILE": str(path)}).secret_key == first.strip()


def test_racing_containers_agree_on_one_secret(tmp_path):
    path = tmp_path / "key"
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(ensure_secret_file(path)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and results.count(True) == 1
    assert len(path.read_text().strip()) >= 32
