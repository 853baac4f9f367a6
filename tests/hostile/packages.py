"""Zip packages built by hand, so a member that inflates to hundreds of megabytes costs a few
hundred kilobytes and a fraction of a second to build.

Each part is deflated once and ends in a full flush (byte-aligned, no references back), so its
compressed bytes can simply be repeated: the result is a valid deflate stream.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

Part = tuple[bytes, int]  # content, times repeated


def _deflate(parts: list[Part]) -> tuple[bytes, int, int]:
    """Raw deflate of the concatenated parts; with the CRC-32 and size of what it inflates to."""
    out, crc, size = [], 0, 0
    for content, times in parts:
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        block = c.compress(content) + c.flush(zlib.Z_FULL_FLUSH)
        out.append(block * times)
        for _ in range(times):
            crc = zlib.crc32(content, crc)
        size += len(content) * times
    out.append(zlib.compressobj(9, zlib.DEFLATED, -15).flush())  # the final, empty block
    return b"".join(out), crc, size


def build_zip(members: dict[str, list[Part]], declared: dict[str, int] | None = None) -> bytes:
    """A zip of ``members`` (name → parts). ``declared`` overrides the uncompressed size written
    in the headers of some members (a zip that lies about what it holds)."""
    declared = declared or {}
    out = io.BytesIO()
    central = []
    for name, parts in members.items():
        data, crc, size = _deflate(parts)
        size = declared.get(name, size)
        encoded = name.encode()
        offset = out.tell()
        out.write(
            struct.pack(
                "<4s5H3I2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(encoded), 0
            )
            + encoded
            + data
        )
        central.append(
            struct.pack(
                "<4s6H3I5H2I",
                b"PK\x01\x02",
                20,
                20,
                0,
                8,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(encoded),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
            + encoded
        )
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(
        struct.pack(
            "<4s4H2IH", b"PK\x05\x06", 0, 0, len(central), len(central), len(directory), start, 0
        )
    )
    return out.getvalue()


def members_of(package: bytes) -> dict[str, list[Part]]:
    """An existing package's members, as parts for ``build_zip``."""
    src = zipfile.ZipFile(io.BytesIO(package))
    return {info.filename: [(src.read(info), 1)] for info in src.infolist()}
