"""A reproducible synthetic corpus at national scale: provincial plans, in the shapes of
``corpus/``, cascading from central directives, with a known number of tasks.

    python bench/generate.py --tasks 100000 --seed 7 --out /work/bench-data/100k

Every one of the 63 jurisdictions of ``graph/registry/jurisdictions.toml`` issues plans.
A plan implements (``Thực hiện``) a provincial programme (``CTr/TU``) that implements a
central directive, or a Government resolution that implements a Politburo conclusion, or a
central directive directly; the directives are the real ones of the corpus (56-KL/TW,
70-KL/TW, 134/NQ-CP, 20-CT/TW, 13-NQ/TW by name) and invented ones. About 1 % of plans
implement only a local plan that nothing links upwards: their chain is broken and the audit
must report their tasks as ``no-path-to-central``.

A plan takes one of three shapes, as in the real texts:

- ``table``: an appendix table (Hải Phòng / TP.HCM 2021): Roman agency rows, numbered rows,
  HTML fragments in cells, a row continued on the next line after a page break;
- ``headings``: agency headings with bullets under "Nhiệm vụ và giải pháp" (Hà Nội);
- ``items``: numbered items naming the lead ("X chủ trì, phối hợp với Y"), with
  "Thời gian thực hiện" lines (TP.HCM 2008).

Citations come in every variant of docs DOMAIN.md (``20-CT-TW``, ``02/CTr/TU``,
``77/2005/NĐ- CP``, ``435 /KH-UBND``, letters, laws by name, the plenum resolution by name),
dates in every written form (bold markup inside a date too), deadlines of every kind; some
files are NFD, CRLF or written with the old tone placement ("Uỷ ban"). The generator writes
``expected.json`` beside the texts: tasks per file and the files whose chain is broken.

>>> corpus = generate_corpus(300, seed=1)
>>> sum(f.tasks for f in corpus) >= 300, len({f.name for f in corpus}) == len(corpus)
(True, True)
>>> generate_corpus(300, seed=1)[0].text == corpus[0].text
True
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "graph" / "registry"

#: The share of plans whose chain to a central directive is broken.
BROKEN_SHARE = 0.01


@dataclass(frozen=True)
class Place:
    """A jurisdiction as the generator writes it."""

    slug: str
    name: str
    city: bool

    @property
    def unit(self) -> str:
        """ "tỉnh" or "thành phố"."""
        return "thành phố" if self.city else "tỉnh"

    @property
    def party(self) -> str:
        """The provincial Party committee's name."""
        return f"{'Thành ủy' if self.city else 'Tỉnh ủy'} {self.name}"


@dataclass
class GeneratedFile:
    """One generated plan text and what the build must find in it."""

    name: str
    text: str
    tasks: int
    broken: bool
    shape: str


def places() -> list[Place]:
    """The 63 provinces and centrally-run cities of the registry (not the country).

    >>> len(places()), places()[0].name
    (63, 'Hà Nội')
    """
    data = tomllib.loads((REGISTRY / "jurisdictions.toml").read_text("utf-8"))
    return [
        Place(j["slug"], j["name"], j.get("kind") == "city")
        for j in data["jurisdiction"]
        if j["slug"] != "vn"
    ]


# --------------------------------------------------------------------------- vocabulary

#: (citation as written, what its subject is) for the central directives; each entry names
#: the real or invented document in one of the surface forms of DOMAIN.md.
CENTRAL = [
    ("Kết luận số 56-KL/TW ngày 21/02/2013 của Bộ Chính trị", "kinh tế tập thể"),
    ("Kết luận số 70-KL/TW ngày 09 tháng 3 năm 2020 của Bộ Chính trị", "kinh tế tập thể"),
    ("Chỉ thị số 20-CT-TW ngày 02 tháng 01 năm 2008 của Ban Bí thư", "kinh tế tập thể"),
    ("Nghị quyết số 13-NQ/TW ngày 18/3/2002 của Ban Chấp hành Trung ương", "kinh tế tập thể"),
    ("Nghị quyết số 20-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương", "kinh tế tập thể"),
    ("Kết luận số 97-KL/TW ngày 15/5/2014 của Bộ Chính trị", "nông nghiệp"),
    ("Chỉ thị số 41/CT-TW ngày 11/10/2019 của Ban Bí thư", "chuyển đổi số"),
    ("Nghị quyết số 52-NQ/TW ngày 27/9/2019 của Bộ Chính trị", "chuyển đổi số"),
]

#: Government resolutions, each with the central directive (index in CENTRAL) it implements.
GOVERNMENT = [
    ("Nghị quyết số 134/NQ-CP ngày 25/9/2020 của Chính phủ", 1),
    ("Nghị quyết số 50/NQ-CP ngày 17/4/2020 của Chính phủ", 7),
    ("Nghị quyết số 106/NQ-CP ngày 23 / 8 /2022 của Chính phủ", 4),
]

BASES = [
    "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
    "Căn cứ Luật Hợp tác xã năm 2012;",
    "Căn cứ Luật HTX năm 2012;",
    "Căn cứ Nghị định số 193/2013/NĐ-CP ngày 21/11/2013 của Chính phủ;",
    "Căn cứ Nghị định số 77/2005/NĐ- CP ngày 09 tháng 6 năm 2005 của Chính phủ;",
    "Căn cứ Thông tư số 03/2014/TT-BKHĐT ngày 26/5/2014 của Bộ Kế hoạch và Đầu tư;",
    "Căn cứ Quyết định số 1804/QĐ-TTg ngày 13/11/2020 của Thủ tướng Chính phủ;",
]

MENTIONS = [
    "Nghị quyết Trung ương 5 (khóa IX) về tiếp tục đổi mới, phát triển và nâng cao hiệu quả "
    "kinh tế tập thể",
    "Nghị quyết Hội nghị Trung ương 5 (khoá IX)",
    "Luật Hợp tác xã 2003",
    "Công văn số 2508/UBND-CNN ngày 12/5/2017 của Ủy ban nhân dân thành phố",
    "Văn bản số 17/BTC-TCDN của Bộ Tài chính",
]

DEPARTMENTS = [
    "Sở Kế hoạch và Đầu tư",
    "Sở Tài chính",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Công Thương",
    "Sở Xây dựng",
    "Sở Tài nguyên và Môi trường",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Thông tin và Truyền thông",
    "Sở Khoa học và Công nghệ",
    "Sở Nội vụ",
    "Sở Giao thông vận tải",
    "Sở Tư pháp",
    "Sở Giáo dục và Đào tạo",
]

COORDINATORS = [
    "Liên minh HTX tỉnh",
    "các sở, ban, ngành",
    "các Sở, ngành liên quan",
    "Ủy ban nhân dân các huyện, thị xã, thành phố",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "các cơ quan, đơn vị liên quan",
]

VERBS = [
    "Tham mưu",
    "Hướng dẫn",
    "Tổ chức",
    "Rà soát",
    "Nghiên cứu, đề xuất",
    "Xây dựng",
    "Kiểm tra, giám sát",
    "Triển khai",
    "Hỗ trợ",
    "Tổng hợp, báo cáo",
    "Đẩy mạnh",
    "Theo dõi, đánh giá",
]

OBJECTS = [
    "cơ chế, chính sách hỗ trợ phát triển hợp tác xã",
    "công tác tuyên truyền về kinh tế tập thể",
    "việc cấp giấy chứng nhận quyền sử dụng đất cho hợp tác xã",
    "chương trình đào tạo, bồi dưỡng cán bộ quản lý hợp tác xã",
    "các hợp tác xã nông nghiệp tham gia chuỗi giá trị",
    "kế hoạch phát triển kinh tế tập thể hàng năm",
    "việc chuyển đổi, tổ chức lại hợp tác xã theo Luật Hợp tác xã",
    "quỹ hỗ trợ phát triển hợp tác xã",
    "ứng dụng khoa học công nghệ trong sản xuất của hợp tác xã",
    "cơ sở dữ liệu về kinh tế tập thể",
    "mô hình hợp tác xã kiểu mới gắn với xây dựng nông thôn mới",
    "xúc tiến thương mại, quảng bá sản phẩm của hợp tác xã",
    "các quỹ tín dụng nhân dân hoạt động an toàn, hiệu quả",
    "việc giải quyết khó khăn, vướng mắc của hợp tác xã",
]

SCOPES = [
    "trên địa bàn {unit}",
    "trong giai đoạn 2021 - 2025",
    "cho thành viên và người lao động",
    "theo quy định của pháp luật",
    "ở các huyện, thị xã",
    "trong lĩnh vực thương mại, dịch vụ",
]

#: Deadlines in every written form of DOMAIN.md (``{y}`` is the plan's year).
DEADLINES = [
    "Thường xuyên",
    "Hàng năm",
    "Năm {y} - {y2}",
    "Quý II/{y}",
    "Hoàn thành năm {y}",
    "Trong năm {y}",
    "Tháng 9 năm {y}",
    "Trước ngày 30 tháng 8 năm {y}",
    "Trước ngày 15 tháng 12 hàng năm",
    "Chậm nhất vào ngày 18 tháng 12 hàng năm",
    "Theo đề nghị từ Bộ Kế hoạch và Đầu tư",
    "Hai năm một lần",
    "từ nay đến hết quý I năm {y}",
]


def roman(n: int) -> str:
    """A Roman numeral, as agency rows of appendix tables are numbered.

    >>> roman(4), roman(19), roman(48)
    ('IV', 'XIX', 'XLVIII')
    """
    out = ""
    for value, digits in (
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out, n = out + digits, n - value
    return out


# --------------------------------------------------------------------------- writing


@dataclass
class _Plan:
    """What a plan text is made from."""

    place: Place
    number: int
    year: int
    basis: str  # the "Thực hiện …" clause
    broken: bool
    date: str = ""  # as written in the header (and the appendix caption)


class _Writer:
    """Plan texts from a seeded random source."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def date(self, year: int) -> str:
        """A date in one of the written forms."""
        d, m = self.rng.randint(1, 28), self.rng.randint(1, 12)
        return self.pick(
            [
                f"ngày {d} tháng {m} năm {year}",
                f"ngày {d:02d}/{m:02d}/{year}",
                f"ngày {d} / {m} /{year}",
                f"ngày **{d}** tháng **{m}** năm {year}",
            ]
        )

    def deadline(self, year: int) -> str:
        return self.pick(DEADLINES).format(y=year, y2=year + 2)

    def action(self, place: Place) -> str:
        """One task sentence (no agency in it)."""
        scope = self.pick(SCOPES).format(unit=place.unit)
        return f"{self.pick(VERBS)} {self.pick(OBJECTS)} {scope}"

    def coordinators(self, place: Place, lead: str) -> str:
        names = [c for c in self.rng.sample(COORDINATORS, 2) if c != lead]
        return ", ".join(n.replace("tỉnh", place.unit) for n in names)

    # --- header and opening ---------------------------------------------------------------

    def header(self, plan: _Plan) -> str:
        p = plan.place
        unit = "THÀNH PHỐ" if p.city else "TỈNH"
        committee = self.pick(["ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN"])
        number = self.pick([f"{plan.number}/KH-UBND", f"{plan.number} /KH-UBND"])
        return f"{committee}\n{unit} {p.name.upper()}\n\nSố: {number}\n\n{p.name}, {plan.date}\n\n"

    def opening(self, plan: _Plan) -> str:
        p = plan.place
        bases = "\n".join(self.rng.sample(BASES, self.rng.randint(1, 3)))
        return (
            f"KẾ HOẠCH\nTriển khai thực hiện {plan.basis.split(' thực hiện ')[0]}\n\n"
            f"{bases}\n\nThực hiện {plan.basis}; Ủy ban nhân dân {p.unit} {p.name} ban hành "
            "Kế hoạch triển khai thực hiện với các nội dung sau:\n\n"
            "I. MỤC ĐÍCH, YÊU CẦU\n\n"
            f"1. Mục đích\n\nQuán triệt sâu sắc {self.pick(MENTIONS)}; nâng cao nhận thức của "
            "cán bộ, đảng viên về vai trò của kinh tế tập thể.\n\n"
            "2. Yêu cầu\n\nPhát triển kinh tế tập thể phải gắn với nhiệm vụ phát triển kinh tế "
            f"- xã hội của {p.unit}.\n\n"
        )

    # --- shapes ---------------------------------------------------------------------------

    def items(self, plan: _Plan, n: int) -> str:
        """Numbered items naming their lead, with deadline lines (TP.HCM 2008)."""
        out = ["II. TỔ CHỨC THỰC HIỆN\n"]
        for i in range(1, n + 1):
            lead = self.pick(DEPARTMENTS)
            coord = self.coordinators(plan.place, lead)
            text = self.pick(
                [
                    f"{i}. {lead} chủ trì, phối hợp với {coord} {self.action(plan.place)}.",
                    f"{i}. Giao {lead} chủ trì, phối hợp {coord} {self.action(plan.place)}.",
                    f"{i}. {lead}: Chủ trì phối hợp với {coord} {self.action(plan.place)}.",
                    f"{i}. {self.action(plan.place)} (hoàn thành năm {plan.year + 1}).",
                ]
            )
            out.append(text + "\n")
            if self.rng.random() < 0.5:
                out.append(f"- Thời gian thực hiện: {self.deadline(plan.year).lower()}.\n")
        return "\n".join(out) + "\n"

    def headings(self, plan: _Plan, n: int) -> str:
        """Agency headings with bullets under them (Hà Nội)."""
        out = ["II. NHIỆM VỤ VÀ GIẢI PHÁP\n"]
        left, k = n, 0
        while left:
            k += 1
            lead = DEPARTMENTS[(k - 1) % len(DEPARTMENTS)]
            bullets = min(left, self.rng.randint(2, 6))
            left -= bullets
            out.append(f"{k}. {lead}:\n")
            for _ in range(bullets):
                text = self.action(plan.place)
                if self.rng.random() < 0.4:
                    text = f"Chủ trì phối hợp với {self.coordinators(plan.place, lead)} " + (
                        text[0].lower() + text[1:]
                    )
                if self.rng.random() < 0.2:
                    text += f" (hoàn thành năm {plan.year + 1})"
                out.append(f"- {text}.\n")
        return "\n".join(out) + "\n"

    def table(self, plan: _Plan, n: int) -> str:
        """An appendix table with Roman agency rows, HTML cells and a continued row."""
        p = plan.place
        out = [
            "II. TỔ CHỨC THỰC HIỆN\n\nCác sở, ngành căn cứ nhiệm vụ được giao tại Phụ lục kèm "
            "theo Kế hoạch này triển khai thực hiện.\n",
            "PHỤ LỤC\n",
            f"*(Ban hành kèm theo Kế hoạch số {plan.number}/KH-UBND "
            f"{plan.date} của Ủy ban nhân dân {p.unit} {p.name})*\n",
            "STT\tNội dung công việc\tCơ quan phối hợp\tThời gian thực hiện",
        ]
        left, k = n, 0
        while left:
            k += 1
            lead = DEPARTMENTS[(k - 1) % len(DEPARTMENTS)]
            out.append(f"<b>{roman(k)}</b>\t<b>{lead.upper()}</b>\t\t")
            rows = min(left, self.rng.randint(2, 8))
            left -= rows
            for i in range(1, rows + 1):
                text = self.action(p) + "."
                roll = self.rng.random()
                if roll < 0.1:
                    text = f"<p>{text}</p>"
                elif roll < 0.15:
                    text = f"<ul><li>{text}</li></ul>"
                coord = self.coordinators(p, lead)
                deadline = self.deadline(plan.year)
                if roll > 0.95:  # a row broken by a page break, continued on the next line
                    head, _, tail = text.rpartition(" ")
                    out.append(f"{i}\t{head}\t{coord}\t\n\n\t{tail}\t\t{deadline}")
                else:
                    out.append(f"{i}\t{text}\t{coord}\t{deadline}")
        return "\n".join(out) + "\n"


def _bases(rng: random.Random, place: Place, year: int, broken: float) -> tuple[str, bool]:
    """The "Thực hiện …" clause of a plan, and whether its chain is broken."""
    if rng.random() < broken:
        n = rng.randint(900, 999)
        plan = f"Kế hoạch số {n}/KH-UBND ngày 10/01/{year - 1}"
        return f"{plan} của Ủy ban nhân dân {place.unit}", True
    roll = rng.random()
    if roll < 0.45:
        central, subject = CENTRAL[rng.randrange(len(CENTRAL))]
        number = rng.randint(1, 60)
        form = rng.choice([f"{number}-CTr/TU", f"{number}/CTr/TU"])
        prog = (
            f"Chương trình hành động số {form} ngày 05/6/{year - 1} của {place.party} "
            f"thực hiện {central} về {subject}"
        )
        return prog, False
    if roll < 0.75:
        gov, ci = GOVERNMENT[rng.randrange(len(GOVERNMENT))]
        return f"{gov} ban hành Chương trình hành động thực hiện {CENTRAL[ci][0]}", False
    central, subject = CENTRAL[rng.randrange(len(CENTRAL))]
    return f"{central} về {subject}", False


def _finish(rng: random.Random, text: str) -> str:
    """Some files arrive decomposed (NFD) or with Windows line ends."""
    roll = rng.random()
    if roll < 0.05:
        return unicodedata.normalize("NFD", text)
    if roll < 0.10:
        return text.replace("\n", "\r\n")
    return text


def generate_corpus(
    tasks: int, *, seed: int = 7, broken: float = BROKEN_SHARE
) -> list[GeneratedFile]:
    """Plans holding ``tasks`` tasks in all, the same for the same seed; a share ``broken``
    of the plans has no chain to a central directive."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    all_places = places()
    numbers: dict[tuple[str, int], int] = {}
    files: list[GeneratedFile] = []
    total = 0
    while total < tasks:
        place = all_places[len(files) % len(all_places)]
        year = rng.randint(2014, 2024)
        number = numbers.get((place.slug, year), rng.randint(10, 80)) + rng.randint(1, 9)
        numbers[(place.slug, year)] = number
        basis, is_broken = _bases(rng, place, year, broken)
        plan = _Plan(place, number, year, basis, is_broken, writer.date(year))
        n = min(rng.randint(20, 150), max(1, tasks - total))
        shape = rng.choice(["table", "table", "headings", "items"])
        body = getattr(writer, shape)(plan, n)
        text = writer.header(plan) + writer.opening(plan) + body
        name = f"{place.slug}/{year}-kh{number}-ubnd.txt"
        files.append(GeneratedFile(name, _finish(rng, text), n, is_broken, shape))
        total += n
    return files


def write_corpus(files: list[GeneratedFile], out: Path) -> dict:
    """Write the texts under ``out`` and ``expected.json`` beside them; returns it."""
    out.mkdir(parents=True, exist_ok=True)
    for f in files:
        path = out / "corpus" / f.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(f.text.encode("utf-8"))
    expected = {
        "tasks": sum(f.tasks for f in files),
        "files": len(files),
        "bytes": sum(len(f.text.encode("utf-8")) for f in files),
        "broken": sorted(f.name for f in files if f.broken),
        "per_file": {f.name: f.tasks for f in files},
    }
    (out / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1), "utf-8")
    return expected


def parse_size(text: str) -> int:
    """``10k`` → 10000, ``1M`` → 1000000.

    >>> parse_size("10k"), parse_size("1M"), parse_size("2500")
    (10000, 1000000, 2500)
    """
    text = text.strip()
    scale = {"k": 1_000, "K": 1_000, "m": 1_000_000, "M": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if scale != 1 else text) * scale)


def main(argv: list[str] | None = None) -> int:
    """Write a corpus: ``--tasks N --seed S --out DIR`` (texts in ``DIR/corpus``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=parse_size, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    expected = write_corpus(generate_corpus(args.tasks, seed=args.seed), args.out)
    print(
        f"{expected['files']} files, {expected['tasks']} tasks, {expected['bytes']} bytes, "
        f"{len(expected['broken'])} broken chains → {args.out}/corpus"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
