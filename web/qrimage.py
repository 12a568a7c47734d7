"""The QR code as a PNG data URL, made locally (the QR content never leaves the server)."""

from __future__ import annotations

import base64
import io

import qrcode
from qrcode.image.pure import PyPNGImage


def png_data_url(content: str) -> str:
    image = qrcode.make(content, image_factory=PyPNGImage, box_size=8, border=2)
    buf = io.BytesIO()
    image.save(buf)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
