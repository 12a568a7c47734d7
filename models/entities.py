"""Plain data the model consumes: videos and what one user did with them (no TensorFlow)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Video:
    """Metadata of one video, as cached for all users."""

    bvid: str
    title: str
    tags: tuple[str, ...]
    author_mid: int
    author_name: str
    duration: int  # seconds; 0 = unknown
    view: int
    like: int
    coin: int
    favorite: int
    partition: int | None = None  # bilibili tid
    pubdate: int = 0  # unix seconds; 0 = unknown


@dataclass(frozen=True)
class Event:
    """One thing the user did with one video (the worker merges flags per video)."""

    bvid: str
    at: int  # unix seconds; the newest events form the held-out slice
    progress: int = 0  # seconds watched; -1 = finished (bilibili's convention)
    duration: int = 0  # seconds; 0 = unknown (the video's duration is used instead)
    liked: bool = False
    faved: bool = False
    coined: bool = False
    disliked: bool = False  # explicit "not interested"
    shown_ignored: bool = False  # shown as a pick and not clicked
    toview: bool = False  # the user put it in 稍后再看 (watch later) themselves
    passed: bool = False  # in a hot list the user could open, and did not (weak negative)


Example = tuple[Event, Video]
