"""A district's or a commune's own bodies, named in its own plan, are that district's.

A district's plan gives tasks to "Phòng Kinh tế", "Hội Nông dân huyện", "UBND các xã, thị
trấn": its own office, its own association, its own communes. An agency is identified by
its jurisdiction (the province) and its name, so without the district's name every
district's "Phòng Kinh tế" of a province would be one agency. In a plan issued by a
district or commune body, its bodies of that level (and, in a commune's or ward's plan, the
"Phòng …" that the two-level local government of 2025 gave the commune) are named with the
issuer's place, as a researcher would write them: "Phòng Kinh tế huyện Đông Anh". A name
that already names a place ("Ủy ban nhân dân xã Trung Lập Hạ") or another level ("Phòng
Nông nghiệp huyện" in a commune's plan) is left as it is.

In the same way a provincial department's or unit's plan gives tasks to its own divisions:
"Phòng Quản lý ngân sách" in a plan of the Sở Tài chính is that department's division
(Nghị định 24/2014/NĐ-CP, Điều 5, and 45/2025/NĐ-CP: a Sở is organised in "phòng"), not a
district's office, so it is named with its department ("Phòng Quản lý ngân sách Sở Tài
chính") and is provincial: the end of the district level in 2025 does not end it. A "Phòng"
named after a sector ("Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Tài chính - Kế
hoạch") is still a district's office, as in any plan.

>>> place = local_place("Ủy ban nhân dân huyện Đông Anh", "ha-noi/huyen-dong-anh:45/KH-UBND")
>>> place
LocalPlace(level='district', word='huyện', phrase='huyện Đông Anh')
>>> names = ["Phòng Kinh tế", "Hội Nông dân huyện", "UBND các xã, thị trấn", "Sở Tài chính",
...          "Các phòng chuyên môn cấp huyện"]
>>> for name in names:
...     print(scoped(normalize_agency(name), place).name)
Phòng Kinh tế huyện Đông Anh
Hội Nông dân huyện Đông Anh
Ủy ban nhân dân các xã, thị trấn huyện Đông Anh
Sở Tài chính
Các phòng chuyên môn cấp huyện
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cache

from policykg.graph.agencies import AgencyName, normalize_agency
from policykg.graph.folding import fold
from policykg.graph.registry.agency_table import load_agency_table

__all__ = ["LocalPlace", "division_of", "local_place", "scoped"]

#: The words that name a local government's level, longest first, with the level they name.
_LEVEL_WORDS = (
    ("thành phố", "district"),
    ("thị trấn", "commune"),
    ("thị xã", "district"),
    ("huyện", "district"),
    ("quận", "district"),
    ("phường", "commune"),
    ("đặc khu", "commune"),  # an island special zone, a commune-level unit since 2025
    ("xã", "commune"),
)


@dataclass(frozen=True)
class LocalPlace:
    """The district or commune a plan's issuer governs: its level, the level word of its
    name and the words that name it ("huyện Đông Anh")."""

    level: str
    word: str
    phrase: str


def _place_at_end(name: str) -> tuple[str, str, str] | None:
    """(level word, its level, the place's proper name) where ``name`` ends with a level
    word and a capitalised name ("… huyện Đông Anh", "… phường 3").

    >>> _place_at_end("Ủy ban nhân dân thị xã Sơn Tây"), _place_at_end("Phòng Kinh tế huyện")
    (('thị xã', 'district', 'Sơn Tây'), None)
    """
    words = name.split()
    k = len(words)
    while k > 0 and (words[k - 1][:1].isupper() or words[k - 1][:1].isdigit()):
        k -= 1
    if k == len(words) or k == 0:
        return None
    head = " ".join(words[:k])
    for word, level in _LEVEL_WORDS:
        if head == word or head.endswith(" " + word):
            return word, level, " ".join(words[k:])
    return None


def _level_word_at_end(name: str) -> tuple[str, str] | None:
    """(level word, level) where ``name`` ends with a bare level word ("Hội Nông dân huyện")."""
    for word, level in _LEVEL_WORDS:
        if name.endswith(" " + word):
            return word, level
    return None


def local_place(issuer_name: str | None, plan_key: str) -> LocalPlace | None:
    """The district or commune a plan's issuer governs, or None for any other plan: a plan
    whose key places it below a province (``ha-noi/huyen-dong-anh:45/KH-UBND``, see
    :mod:`~policykg.graph.resolve`), whose issuer's name ends with that place.

    >>> local_place("Ủy ban nhân dân phường Tân An", "dak-lak/phuong-tan-an:146/KH-UBND")
    LocalPlace(level='commune', word='phường', phrase='phường Tân An')
    >>> local_place("Ủy ban nhân dân thành phố Cần Thơ", "can-tho:53/KH-UBND") is None
    True
    """
    place, colon, _ = plan_key.partition(":")
    if not issuer_name or not colon or "/" not in place:
        return None
    found = _place_at_end(issuer_name)
    if found is None:
        return None
    word, level, proper = found
    return LocalPlace(level, word, f"{word} {proper}")


def scoped(agency: AgencyName, place: LocalPlace) -> AgencyName:
    """``agency`` as the plan of ``place``'s issuer names it: with that place when it is one
    of the place's own bodies (see the module notes), else unchanged.

    >>> ward = LocalPlace("commune", "phường", "phường Tân An")
    >>> for name in ["Phòng Văn hóa - Xã hội", "Công an phường", "Phòng Nông nghiệp huyện",
    ...              "Các phòng chuyên môn cấp huyện"]:
    ...     print(scoped(normalize_agency(name), ward).name)
    Phòng Văn hóa - Xã hội phường Tân An
    Công an phường Tân An
    Phòng Nông nghiệp huyện
    Các phòng chuyên môn cấp huyện
    """
    if agency.central or agency.level is None:
        return agency
    own = agency.level == place.level or (
        place.level == "commune" and agency.level == "district" and agency.kind == "department"
    )
    if not own and not (agency.collective and agency.level == "commune"):
        return agency  # "UBND các xã" of a district's plan are its communes
    name = agency.name
    if _place_at_end(name) is not None:
        return agency
    bare = _level_word_at_end(name)
    if bare is not None:
        word, level = bare
        if name.endswith(f" cấp {word}"):
            return agency  # a level, not a place: "Các phòng chuyên môn cấp huyện"
        if word == place.word:
            name = name[: -len(word) - 1]
        elif not (agency.collective and level == "commune" and place.level == "district"):
            return agency  # another level's body ("cấp huyện" in a commune's plan)
    full = f"{name} {place.phrase}"
    if not agency.collective:
        found = normalize_agency(full)
        if found is not None and fold(found.name) == fold(full):
            return found
    return dataclasses.replace(agency, name=full, key=f"{agency.key} {fold(place.phrase)}")


#: Issuers whose own divisions are "phòng": a provincial department or public unit.
_DIVIDED_KINDS = frozenset({"department", "state-unit"})


@cache
def _sector_offices() -> frozenset[str]:
    """Folded names of the district offices named after sectors ("phong tai chinh - ke
    hoach"), and of each sector alone ("phong noi vu")."""
    names = set()
    for sector in load_agency_table().sectors:
        names.add(fold(f"Phòng {sector.name}"))
    # Nghị định 37/2014/NĐ-CP, Điều 7: the offices of a district People's Committee whose
    # names join two sectors or are no sector's
    for name in (
        "Tài chính - Kế hoạch",
        "Kinh tế và Hạ tầng",
        "Quản lý đô thị",
        "Văn hóa và Thông tin",
        "Lao động - Thương binh và Xã hội",
        "Dân tộc",
    ):
        names.add(fold(f"Phòng {name}"))
    return frozenset(names)


def division_of(agency: AgencyName, issuer: AgencyName | None) -> AgencyName:
    """``agency`` as a plan of ``issuer`` names it: a "Phòng …" with no place, in a plan of a
    provincial department or unit, is that issuer's division (see the module notes).

    >>> sotc = normalize_agency("Sở Tài chính")
    >>> for name in ["Phòng Quản lý ngân sách", "Phòng Tài chính - Kế hoạch", "Phòng Kinh tế huyện",
    ...              "Sở Nội vụ"]:
    ...     a = division_of(normalize_agency(name), sotc)
    ...     print(a.name, a.level)
    Phòng Quản lý ngân sách Sở Tài chính provincial
    Phòng Tài chính - Kế hoạch district
    Phòng Kinh tế huyện district
    Sở Nội vụ provincial
    """
    if (
        issuer is None
        or issuer.collective
        or issuer.kind not in _DIVIDED_KINDS
        or issuer.level != "provincial"
        or agency.collective
        or agency.kind != "department"
        or agency.level != "district"
        or not agency.name.startswith("Phòng ")
        or _place_at_end(agency.name) is not None
        or _level_word_at_end(agency.name) is not None
        or fold(agency.name) in _sector_offices()
    ):
        return agency
    return dataclasses.replace(
        agency,
        name=f"{agency.name} {issuer.name}",
        key=f"{agency.key} {issuer.key}",
        level="provincial",
    )
