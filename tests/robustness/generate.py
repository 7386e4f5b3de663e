"""Write a corpus of hostile and awkward inputs, from code, for the robustness tests.

Nothing binary is committed: every file is made here from the four real documents of
``corpus/`` (copied, re-encoded, cut or modified) and seeded randomness. :func:`generate`
returns, per file name, what the build must do with the file::

    {"expect": "read" | "merged" | "refused", "reason_contains": str, "line": int | None}

``refused`` files must be listed with that line and a reason containing every (blank-separated)
word of ``reason_contains``;
a ``merged`` file duplicates another file byte for byte and must be read once, the build
saying which file it duplicates (``reason_contains`` is the other file's name); ``read``
files must give their documents. :data:`DOCUMENTS` says which document key each read file
must produce (where the key is known in advance).

As a script::

    python tests/robustness/generate.py DEST [--small]

writes the corpus into ``DEST`` (``--small`` leaves out the 50 MB document and the
100,000-row table) and prints the expectations as JSON.
"""

from __future__ import annotations

import codecs
import json
import random
import re
import sys
import unicodedata
import zlib
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
HAIPHONG = "haiphong-2018-kh435-ubnd.txt"
HANOI = "hanoi-kh-thuc-hien-ctr24-tu.txt"
HCM2008 = "hcm-2008-kh-thuc-hien-ct07-tu.txt"
HCM2021 = "hcm-2021-qd3064-ubnd.txt"

SEED = 20240607
BIG_BYTES = 50 * 1024 * 1024
TABLE_ROWS = 100_000

#: The HTML that must never reach a report unescaped.
PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<p><b>unclosed",
    "</ul></ul>",
)

#: The key of the document each read file must produce (its own number and place).
DOCUMENTS = {
    "dup-a.txt": "hai-phong:435/KH-UBND",
    "same-number-a.txt": "ho-chi-minh:77/KH-UBND",
    "markup-in-numbers.txt": "hai-phong:12/KH-UBND",
    "table-cut.txt": "hai-phong:436/KH-UBND",
    "html-cells.txt": "hai-phong:437/KH-UBND",
    "big-50mb.txt": "ho-chi-minh:5000/KH-UBND",
    "big-table-100k.txt": "ho-chi-minh:6000/KH-UBND",
}

#: Files that are byte-for-byte or text copies of a bundled corpus file (same tasks expected).
COPIES = {
    "utf16-le-bom.txt": HANOI,
    "crlf-nfd.txt": HCM2008,
    "dup-a.txt": HAIPHONG,
}


def _source(name: str) -> str:
    return (CORPUS / name).read_text("utf-8")


def _read() -> dict:
    return {"expect": "read", "reason_contains": "", "line": None}


def _refused(reason: str, line: int | None) -> dict:
    return {"expect": "refused", "reason_contains": reason, "line": line}


def _line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of ``needle`` (LF line ends)."""
    at = text.index(needle)
    return text.count("\n", 0, at) + 1


# --------------------------------------------------------------------------- raw material


def _haiphong_renumbered(number: int) -> str:
    """The Hải Phòng plan with its own number (taken from the appendix caption) changed."""
    text = _source(HAIPHONG)
    caption = "Kế hoạch số 435 /KH-UBND"
    assert text.count(caption) == 1
    return text.replace(caption, f"Kế hoạch số {number} /KH-UBND")


def _haiphong_body() -> str:
    """The Hải Phòng plan without its appendix (whose caption carries the number 435)."""
    text = _source(HAIPHONG)
    return text[: text.index("## PHỤ LỤC")].rstrip() + "\n"


def _hcm2008_parts() -> tuple[str, str, list[str]]:
    """The 2008 TP.HCM plan cut into its opening (title, preamble, section I), the heading of
    section III and the numbered items of section III (each with its sub-items and bullets)."""
    text = _source(HCM2008)
    opening = text[: text.index("II. NỘI DUNG THỰC HIỆN")]
    section = text[text.index("III. TỔ CHỨC THỰC HIỆN") :]
    heading, _, rest = section.partition("\n")
    items = re.split(r"(?m)^(?=\d+\. )", rest)
    items = [i for i in items if re.match(r"\d+\. ", i)]
    return opening, heading, items


def _renumber_item(item: str, number: int) -> str:
    """Give a section item (``7. …`` with sub-items ``7.1. …``) the number ``number``."""
    old = re.match(r"(\d+)\. ", item).group(1)
    item = re.sub(rf"(?m)^{old}\.(\d+)\. ", lambda m: f"{number}.{m.group(1)}. ", item)
    return re.sub(rf"^{old}\. ", f"{number}. ", item)


def _hcm_header(number: str, day: str = "10", month: str = "01", year: str = "2008") -> str:
    return (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HỒ CHÍ MINH\n\n"
        f"Số: {number}\n\n"
        f"Thành phố Hồ Chí Minh, ngày {day} tháng {month} năm {year}\n\n"
    )


def _table_sentences() -> list[str]:
    """The task texts (second cell) of the numbered rows of both corpus appendices."""
    out = []
    for name in (HAIPHONG, HCM2021):
        for line in _source(name).splitlines():
            cells = line.split("\t")
            if len(cells) >= 3 and cells[0].strip().isdigit() and len(cells[1]) > 40:
                out.append(re.sub(r"<[^>]+>", "", cells[1]).strip())
    return out


# --------------------------------------------------------------------------- big documents


def big_plan(size: int = BIG_BYTES, *, number: int = 5000) -> str:
    """One TP.HCM plan of about ``size`` UTF-8 bytes: one header, the 2008 plan's opening,
    then its "Tổ chức thực hiện" items repeated and renumbered (thousands of numbered items)."""
    opening, heading, items = _hcm2008_parts()
    head = _hcm_header(f"{number}/KH-UBND") + opening.lstrip() + heading + "\n"
    parts, total, n = [head], len(head.encode("utf-8")), 0
    while total < size:
        n += 1
        item = _renumber_item(items[(n - 1) % len(items)], n)
        parts.append(item)
        total += len(item.encode("utf-8"))
    return "".join(parts)


def table_plan(rows: int = TABLE_ROWS, *, number: int = 6000) -> str:
    """A TP.HCM plan whose only tasks are the ``rows`` numbered rows of its appendix table."""
    opening, _, _ = _hcm2008_parts()
    sentences = _table_sentences()
    lines = [
        _hcm_header(f"{number}/KH-UBND", "15", "3", "2022") + opening.lstrip().rstrip(),
        "",
        "PHỤ LỤC",
        f"(Kèm theo Kế hoạch số {number}/KH-UBND ngày 15/3/2022 của Ủy ban nhân dân Thành phố)",
        "",
        "STT\tNội dung công việc\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian thực hiện",
    ]
    for n in range(1, rows + 1):
        text = f"{sentences[n % len(sentences)].rstrip('.')} (nội dung {n})."
        lines.append(f"{n}\t{text}\tSở Tài chính\tCác sở, ngành\tHàng năm")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- the corpus


def generate(dest: Path, *, big: bool = True) -> dict[str, dict]:
    """Write the robustness corpus into ``dest``; returns what the build must do per file."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    expect: dict[str, dict] = {}

    def write(name: str, data: bytes | str, expectation: dict) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        (dest / name).write_bytes(raw)
        expect[name] = expectation

    # Nothing at all.
    write("empty.txt", b"", _refused("empty", None))

    # A PNG (signature, IHDR chunk with its CRC) followed by seeded noise, named .txt.
    ihdr = b"IHDR" + (640).to_bytes(4, "big") + (480).to_bytes(4, "big") + b"\x08\x06\x00\x00\x00"
    png = b"\x89PNG\r\n\x1a\n" + (13).to_bytes(4, "big") + ihdr
    png += zlib.crc32(ihdr).to_bytes(4, "big") + rng.randbytes(64 * 1024)
    write("image-as-text.txt", png, _refused("binary", None))

    # Good text with one NUL byte in the middle of a line.
    text = _source(HCM2008)
    mid = len(text) // 2
    mid = text.index(" ", mid)
    nul_line = text[:mid].count("\n") + 1
    write("nul-byte.txt", text[:mid] + "\x00" + text[mid:], _refused("NUL byte", nul_line))

    # Valid UTF-8 but for one truncated sequence ("ị" cut to its first two bytes) at line 22.
    raw = _source(HANOI).encode("utf-8")
    lines = raw.split(b"\n")
    bad = 22
    target = lines[bad - 1]
    at = target.index("ị".encode())
    lines[bad - 1] = target[:at] + "ị".encode()[:2] + target[at + 3 :]
    write("invalid-utf8.txt", b"\n".join(lines), _refused("UTF-8", bad))

    # A bundled plan saved as UTF-16 LE with a byte-order mark.
    write(
        "utf16-le-bom.txt",
        codecs.BOM_UTF16_LE + _source(HANOI).encode("utf-16-le"),
        _read(),
    )

    # A bundled plan with Windows line ends and decomposed (NFD) letters.
    write(
        "crlf-nfd.txt",
        unicodedata.normalize("NFD", _source(HCM2008)).replace("\n", "\r\n"),
        _read(),
    )

    # The same bytes under two names: read once, the second named as a duplicate of the first.
    haiphong = _source(HAIPHONG)
    write("dup-a.txt", haiphong, _read())
    write("dup-b.txt", haiphong, {"expect": "merged", "reason_contains": "dup-a.txt", "line": None})

    # Two different plans claiming the same number, place and date: the later name is refused.
    opening, heading, items = _hcm2008_parts()
    header = _hcm_header("77/KH-UBND")
    first = header + opening.lstrip() + heading + "\n" + "".join(items)
    kept = [i for k, i in enumerate(items) if k % 3 != 1]
    second = (
        header
        + opening.lstrip()
        + heading
        + "\n"
        + "".join(_renumber_item(i, k) for k, i in enumerate(kept, 1))
    )
    write("same-number-a.txt", first, _read())
    write(
        "same-number-b.txt",
        second,
        _refused("same-number-a.txt 77/KH-UBND", _line_of(second, "Số: 77/KH-UBND")),
    )

    # Markup inside the number, the date and a cited number.
    body = _haiphong_body().lstrip()
    title_end = body.index("\n\nThực hiện Kết luận")
    markup = (
        "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI PHÒNG\n\n"
        "Số: **12**/KH-UBND\n\n"
        "Hải Phòng, ngày **0**5 tháng **6** năm 2019\n\n"
        + body[:title_end]
        + "\n\nCăn cứ Kế hoạch số <b>435</b>/KH-UBND ngày 23/5/2018 của Ủy ban nhân dân thành "
        "phố Hải Phòng về phát triển kinh tế tập thể giai đoạn 2018 - 2020;" + body[title_end:]
    )
    write("markup-in-numbers.txt", markup, _read())

    # An appendix table cut off mid-row: the last row has two cells and the file ends.
    text = _haiphong_renumbered(436)
    row = "5\tThực hiện chuyển đổi, tổ chức lại hợp tác xã theo Luật Hợp tác xã 2012."
    assert text.count(row) == 1
    write("table-cut.txt", text[: text.index(row) + len(row)], _read())

    # Hostile and unbalanced HTML in table cells (no deadline, unknown heading: reported).
    text = _haiphong_renumbered(437).rstrip("\n")
    script, img, unclosed, lists = PAYLOADS
    text += (
        f"\n<b>XVIII</b>\t{unclosed} BAN QUẢN LÝ\t\t\n"
        f"1\t{script}Tổ chức tập huấn cho các hợp tác xã.\t{img}\t\n"
        f"2\t{img} Hỗ trợ các hợp tác xã tiếp cận vốn.\tCác Sở, ngành{lists}\t\n"
        f"3\t{lists}Rà soát các tổ hợp tác.\t{script}\t{unclosed}\n"
        f"4\t{unclosed} Tuyên truyền về kinh tế tập thể.\t\t{lists}\n"
    )
    write("html-cells.txt", text, _read())

    if big:
        write("big-50mb.txt", big_plan(), _read())
        write("big-table-100k.txt", table_plan(), _read())
    return expect


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.split("As a script::")[1].strip(), file=sys.stderr)
        return 1
    expect = generate(Path(args[0]), big="--small" not in argv)
    print(json.dumps(expect, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
