"""Covers on the simulator's own origin: size suffix, Referer check, full-size counts."""

from __future__ import annotations

import struct

from .conftest import Sim, running_sim


def a_cover(fresh_sim: Sim) -> str:
    video = next(v for v in fresh_sim.state.world.cat.videos if v.status == "ok")
    pic = fresh_sim.api("/x/web-interface/view", bvid=video.bvid)["data"]["pic"]
    return pic


def png_size(body: bytes) -> tuple[int, int]:
    assert body[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", body[16:24])


def test_video_cover_points_at_the_simulator(module_sim: Sim) -> None:
    pic = a_cover(module_sim)
    assert pic.startswith(module_sim.url.replace("https://", "http://") + "/bfs/archive/")
    assert pic.endswith(".jpg")


def test_thumbnail_and_full_size(module_sim: Sim) -> None:
    pic = a_cover(module_sim)
    path = pic[len(module_sim.url):]
    module_sim.control("/counters/reset")
    thumb = module_sim.http.get(pic + "@320w_200h_1c.webp", timeout=5)
    assert thumb.status_code == 200 and png_size(thumb.content) == (320, 200)
    full = module_sim.http.get(pic, timeout=5)
    assert full.status_code == 200 and png_size(full.content) == (640, 400)
    by_path = module_sim.control("/counters", method="GET").json()["by_path"]
    assert by_path[path] == 1 and by_path[path + "@320w_200h_1c.webp"] == 1


def test_referer_from_another_site_is_refused(module_sim: Sim) -> None:
    pic = a_cover(module_sim) + "@320w_200h_1c.webp"
    other = module_sim.http.get(pic, headers={"Referer": "http://127.0.0.1:1/"}, timeout=5)
    assert other.status_code == 403
    own = module_sim.http.get(pic, headers={"Referer": module_sim.url + "/video/x"}, timeout=5)
    assert own.status_code == 200


def test_bad_names_and_sizes(module_sim: Sim) -> None:
    base = module_sim.url + "/bfs/archive/"
    assert module_sim.http.get(base + "nothex.jpg", timeout=5).status_code == 404
    assert module_sim.http.get(base + "a" * 40 + ".jpg@9999w_1h.webp",
                              timeout=5).status_code == 400


def test_covers_on_the_public_url_when_the_browser_reaches_it_elsewhere() -> None:
    # Compose: workers ask http://simulator:8346, the browser loads 127.0.0.1:<port>.
    with running_sim(public_url="http://127.0.0.1:18346/") as fresh_sim:
        pic = a_cover(fresh_sim)
        assert pic.startswith("http://127.0.0.1:18346/bfs/archive/")
        local = fresh_sim.url + pic[len("http://127.0.0.1:18346"):] + "@320w_200h_1c.webp"
        own = fresh_sim.http.get(local, headers={"Referer": "http://127.0.0.1:18346/x"}, timeout=5)
        other = fresh_sim.http.get(local, headers={"Referer": "http://127.0.0.1:8345/"}, timeout=5)
        assert (own.status_code, other.status_code) == (200, 403)
