"""The zip package around a workbook: checked before calamine reads it, and the few small parts
intake needs from it (which XML part holds which sheet, the number format of each cell style).

calamine's XML parser does not expand entities but does not refuse DTDs either, and its zip
reader is not ours to bound: every XML part's prolog is checked for DTDs here, and the sheets
are inflated through ``zipfile`` (which stops at a member's declared size) by the sheet scan.
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import Any

from defusedxml import ElementTree
from openpyxl.styles.numbers import BUILTIN_FORMATS

from bot.intake import errors as msg
from bot.intake.errors import IntakeError

PROLOG_BYTES = 1 << 16
_REL_ID = "}id"


def refuse_dtds(zf: zipfile.ZipFile) -> None:
    """XML with a DOCTYPE (entity expansion, external entities) is refused, whatever the part."""
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels")) or info.is_dir():
            continue
        with zf.open(info) as fh:
            prolog = fh.read(PROLOG_BYTES)
        if b"<!DOCTYPE" in prolog or b"<!ENTITY" in prolog:
            raise IntakeError("unsafe", msg.UNSAFE, f"DTD in {info.filename}")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(zf: zipfile.ZipFile, names: dict[str, str], name: str) -> Any | None:
    real = names.get(name)
    if real is None:
        return None
    try:
        return ElementTree.fromstring(zf.read(real))
    except ElementTree.ParseError:
        return None


def member_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Normalised part name (forward slashes, no leading slash) → the name in the zip."""
    return {i.filename.replace("\\", "/").lstrip("/"): i.filename for i in zf.infolist()}


def sheet_parts(zf: zipfile.ZipFile, names: dict[str, str]) -> dict[str, str]:
    """Sheet name → the zip member holding its XML (``.xlsx`` only)."""
    book = _xml(zf, names, "xl/workbook.xml")
    rels = _xml(zf, names, "xl/_rels/workbook.xml.rels")
    if book is None or rels is None:
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "").replace("\\", "/")
        path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        targets[rel.get("Id")] = posixpath.normpath(path)
    parts = {}
    for el in book.iter():
        if _local(el.tag) != "sheet":
            continue
        rid = next((v for k, v in el.attrib.items() if k.endswith(_REL_ID)), None)
        path = targets.get(rid)
        if path in names and el.get("name") is not None:
            parts[el.get("name")] = names[path]
    return parts


def style_formats(zf: zipfile.ZipFile, names: dict[str, str]) -> list[str]:
    """The number format code of each cell style (``s`` attribute), in style order."""
    styles = _xml(zf, names, "xl/styles.xml")
    if styles is None:
        return []
    custom: dict[int, str] = {}
    formats: list[str] = []
    for el in styles:
        if _local(el.tag) == "numFmts":
            for fmt in el:
                fid = fmt.get("numFmtId", "")
                if fid.isdigit():
                    custom[int(fid)] = fmt.get("formatCode", "General")
        elif _local(el.tag) == "cellXfs":
            for xf in el:
                fid = xf.get("numFmtId", "0")
                n = int(fid) if fid.isdigit() else 0
                formats.append(custom.get(n) or BUILTIN_FORMATS.get(n, "General"))
    return formats
