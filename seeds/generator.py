"""A deterministic synthetic dataset: companies, people, roles, list entries, records.

Same seed and size, same files, byte for byte. Names are realistic Chinese
names (same-name subjects occur, as they do in life); every USCC and citizen ID
number carries a valid check digit and, for ID numbers, a region code that
existed in the birth year. People hold roles in several companies; legal
representatives change over time; black and red entries come from the
departments of every level that recognise them.

Rows are written as they are made. What later rows refer to is kept compactly: a
person's ID number as one 64-bit integer, an organisation's USCC as 18 bytes, and the
ID numbers already issued as one bit each in a bitmap of the number space, so ten
million subjects take about 200 MB, not the gigabytes of Python strings and sets.

Dates are drawn against a fixed reference day and shifted to the day the data is
generated for (the import's as-of day): the same seed and size give the same codes,
names, roles and entries, and who holds them, on any day, while an entry in force on the
reference day is in force on the load day and an expired one stays expired. Only the
dates move, all by the same number of days; birth dates inside ID numbers are codes and
never move.

Output: ``subjects.jsonl``, ``roles.jsonl``, ``entries.jsonl``, ``records.jsonl``
in the bulk-import format (see ``seeds/rows.py``).
"""

from __future__ import annotations

import datetime as dt
import random
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from stdnum.cn import ric, uscc

from gateway.base.errors import CreditGraphError
from seeds.codes import id_number as checked_id_number
from seeds.kinds import NAMES
from seeds.reference import departments, jurisdictions

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉鹏飞斌宇浩凯婷琳雪梅兰云峰国庆"
    "志海波宁晨欣怡"
)
TRADE_NAMES = (
    "华宏",
    "恒通",
    "永盛",
    "金鼎",
    "瑞丰",
    "鑫源",
    "天成",
    "博远",
    "新港",
    "汇丰",
    "长江",
    "运河",
    "苏润",
    "宏达",
    "海岳",
    "嘉禾",
    "中信",
    "利民",
    "万家",
    "顺发",
    "大成",
    "兴业",
    "正泰",
    "双赢",
    "锦程",
    "东方",
)
INDUSTRIES = (
    "化纤",
    "建材",
    "科技",
    "贸易",
    "物流",
    "食品",
    "机械",
    "电子",
    "纺织",
    "建设工程",
    "医药",
    "环保",
    "电子商务",
    "餐饮管理",
    "房地产开发",
    "新能源",
    "服饰",
)
LEGAL_FORMS = (
    ("有限公司", "有限责任公司", "LEGAL_PERSON", 70),
    ("股份有限公司", "股份有限公司", "LEGAL_PERSON", 10),
    ("商行", "个体工商户", "UNINCORPORATED", 12),
    ("合伙企业（有限合伙）", "合伙企业", "UNINCORPORATED", 8),
)
# Region codes for ID numbers with the first year each was assigned (GB/T 2260).
ID_REGIONS = (
    ("320402", 1983),
    ("320404", 1983),
    ("320826", 1983),
    ("320830", 1983),
    ("320831", 1983),
    ("320102", 1983),
    ("321002", 1983),
    ("320281", 1989),
    ("320282", 1989),
    ("320681", 1989),
    ("320481", 1990),
    ("320682", 1991),
    ("320804", 2000),
    ("320211", 2000),
)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"

# (domain, list, department-name suffixes, category, facts, basis, document prefix)
BLACK_DOMAINS = (
    (
        "市场监管",
        ("市场监督管理局",),
        "严重违法失信企业",
        "提供虚假材料骗取公司登记",
        "《企业信息公示暂行条例》第十七条",
        "市监罚",
    ),
    (
        "税务",
        ("税务局",),
        "重大税收违法失信主体",
        "虚开增值税专用发票",
        "《重大税收违法失信主体信息公布管理办法》第六条",
        "税稽罚",
    ),
    (
        "司法",
        ("人民法院",),
        "失信被执行人",
        "有履行能力而拒不履行生效法律文书确定的义务",
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》第一条",
        "执",
    ),
    (
        "生态环境",
        ("生态环境局",),
        "环境违法严重失信",
        "超标排放水污染物且拒不改正",
        "《中华人民共和国水污染防治法》第八十三条",
        "环罚",
    ),
    (
        "安全生产",
        ("应急管理局",),
        "安全生产失信联合惩戒对象",
        "发生较大生产安全事故负有责任",
        "《安全生产法》第一百一十四条",
        "应急罚",
    ),
    (
        "劳动保障",
        ("人力资源和社会保障局",),
        "拖欠农民工工资失信联合惩戒对象",
        "拖欠农民工工资数额较大",
        "《保障农民工工资支付条例》第四十八条",
        "人社罚",
    ),
    (
        "电子商务",
        ("商务局", "市场监督管理局"),
        "电子商务严重失信",
        "组织刷单炒信、虚假交易",
        "《中华人民共和国电子商务法》第十七条",
        "商罚",
    ),
    (
        "工程建设",
        ("住房和城乡建设局",),
        "建筑市场严重失信",
        "违法分包并造成质量事故",
        "《建设工程质量管理条例》第六十二条",
        "建罚",
    ),
)
RED_DOMAINS = (
    ("税务", ("税务局",), "纳税信用A级纳税人", "连续三年纳税信用评价为A级", "《纳税信用管理办法》"),
    (
        "市场监管",
        ("市场监督管理局",),
        "守合同重信用企业",
        "连续两年公示守合同重信用",
        "《守合同重信用企业公示办法》",
    ),
    (
        "劳动保障",
        ("人力资源和社会保障局",),
        "劳动保障守法诚信示范单位",
        "劳动保障守法诚信等级A级",
        "《企业劳动保障守法诚信等级评价办法》",
    ),
)
SEVERITIES = (("SERIOUS", 45), ("MAJOR", 15), ("GENERAL", 30), ("UNSTATED", 10))
DISCLOSURES = (("PUBLIC", 70), ("GOVERNMENT", 20), ("AUTHORISED", 10))
RECORD_TYPES = (
    ("POSITIVE", "行政奖励", "获评诚信经营示范单位"),
    ("NEGATIVE", "行政处罚", "未按规定公示年度报告"),
    ("BASIC", "行政许可", "取得食品经营许可证"),
    ("OTHER", "信用承诺", "签署信用承诺书"),
)


@dataclass
class Sizes:
    subjects: int = 0
    organizations: int = 0
    persons: int = 0
    roles: int = 0
    black_entries: int = 0
    red_entries: int = 0
    records: int = 0
    bytes: int = 0


def _weighted(rng: random.Random, options: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([o[0] for o in options], weights=[o[1] for o in options])[0]


def _date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(max(1, (end - start).days)))


def make_uscc(index: int, region: str, unincorporated: bool) -> str:
    """A valid USCC whose organisation code part is derived from ``index`` (unique)."""
    body = []
    for _ in range(9):
        index, digit = divmod(index, 31)
        body.append(USCC_ALPHABET[digit])
    head = ("92" if unincorporated else "91") + region + "".join(reversed(body))
    return head + uscc.calc_check_digit(head)


Progress = Callable[[str, int, int], None]  # (phase, rows done, rows in the phase)
PROGRESS_EVERY = 10_000
# The demo's data set (`credit-graph demo`, the README's examples).
DEMO_SUBJECTS, DEMO_SEED = 5_000, 2018
# What every drawn date is relative to; the written dates are shifted from it to the load
# day. Data generated for this day is byte for byte what earlier versions wrote for it.
REFERENCE_DAY = dt.date(2026, 11, 25)
_BORN_FROM, _BORN_TO = dt.date(1955, 1, 1), dt.date(2000, 12, 31)


class IssuedNumbers:
    """The citizen ID numbers issued so far: one bit per (region, birth date, sequence).

    The number space of the generator is small (a few regions, 46 years of birth dates,
    a thousand sequence numbers), so a bitmap of it costs tens of megabytes whatever the
    number of persons, where a set of strings costs about 100 bytes a person.
    """

    _DAYS = (_BORN_TO - _BORN_FROM).days + 1

    def __init__(self) -> None:
        self._regions: dict[str, bytearray] = {}

    def _bit(self, number: str) -> tuple[bytearray, int]:
        bits = self._regions.get(number[:6])
        if bits is None:
            bits = self._regions[number[:6]] = bytearray(self._DAYS * 1000 // 8 + 1)
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        return bits, (born - _BORN_FROM).days * 1000 + int(number[14:17])

    def __contains__(self, number: str) -> bool:
        bits, i = self._bit(number)
        return bool(bits[i >> 3] & (1 << (i & 7)))

    def add(self, number: str) -> None:
        bits, i = self._bit(number)
        bits[i >> 3] |= 1 << (i & 7)


class Persons(Sequence[str]):
    """ID numbers in the order made, as integers: the 17 digits times 11 plus the check."""

    def __init__(self) -> None:
        self._numbers = array("q")

    def append(self, number: str) -> None:
        check = 10 if number[17] == "X" else int(number[17])
        self._numbers.append(int(number[:17]) * 11 + check)

    def __len__(self) -> int:
        return len(self._numbers)

    # int indices only (Sequence also takes slices): the generator picks single items
    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        head, check = divmod(self._numbers[i], 11)
        return f"{head:017d}{'X' if check == 10 else check}"


class Organizations(Sequence[str]):
    """USCCs in the order made, 18 bytes each."""

    def __init__(self) -> None:
        self._codes = bytearray()

    def append(self, code: str) -> None:
        self._codes += code.encode("ascii")

    def __len__(self) -> int:
        return len(self._codes) // 18

    # int indices only (Sequence also takes slices): the generator picks single items
    def __getitem__(self, i: int) -> str:  # type: ignore[override]
        return self._codes[18 * i : 18 * i + 18].decode("ascii")


def _valid_id_number(number: str) -> bool:
    """``stdnum.cn.ric.is_valid``: the same checks, by the importer's fast path."""
    try:
        checked_id_number(number)
    except CreditGraphError:
        return False
    return True


def make_id_number(rng: random.Random, used: IssuedNumbers | set[str]) -> str:
    while True:
        born = _date(rng, _BORN_FROM, _BORN_TO)
        region, since = rng.choice(ID_REGIONS)
        if born.year < since:  # before the county code existed: the city's code
            region = region[:4] + "00"
        head = f"{region}{born:%Y%m%d}{rng.randrange(1000):03d}"
        number = head + ric.calc_check_digit(head + "0")
        if number not in used and _valid_id_number(number):
            used.add(number)
            return number


def person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def generate(
    n_subjects: int, seed: int, out: Path, today: dt.date, progress: Progress | None = None
) -> Sizes:
    """Write the four import files for ``n_subjects`` subjects as of ``today``; return their
    sizes. Only the dates depend on ``today``: each is ``today - REFERENCE_DAY`` from the
    date drawn for the reference day. ``progress(phase, done, total)`` hears of every
    ``PROGRESS_EVERY`` rows of a phase and of its end."""
    say = progress or (lambda phase, done, total: None)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    sizes = Sizes()
    js = [j for j in jurisdictions() if j["level"] in ("MUNICIPAL", "COUNTY")]
    depts = departments()
    n_orgs = max(1, n_subjects * 2 // 5)
    n_persons = max(1, n_subjects - n_orgs)
    with ExitStack() as stack:
        files = {
            name: stack.enter_context(open(out / f"{name}.jsonl", "wb", buffering=1 << 20))
            for name in NAMES  # one file per import kind (seeds/kinds.py)
        }
        id_numbers = _persons(rng, n_persons, files["subjects"], sizes, say)
        shift = today - REFERENCE_DAY
        orgs = _organizations(rng, n_orgs, js, id_numbers, files, sizes, shift, say)
        _entries(rng, orgs, id_numbers, depts, files["entries"], sizes, shift, say)
        _records(rng, orgs, id_numbers, depts, files["records"], sizes, shift, say)
    sizes.subjects = sizes.organizations + sizes.persons
    sizes.bytes = sum((out / f"{name}.jsonl").stat().st_size for name in NAMES)
    return sizes


def _iso(day: dt.date, shift: dt.timedelta) -> str:
    """A date drawn for the reference day, as written for the load day."""
    return (day + shift).isoformat()


def _write(f: IO[bytes], row: dict[str, Any]) -> None:
    f.write(orjson.dumps({k: v for k, v in row.items() if v is not None}) + b"\n")


def _persons(rng: random.Random, n: int, f: IO[bytes], sizes: Sizes, say: Progress) -> Persons:
    used = IssuedNumbers()
    numbers = Persons()
    for i in range(n):
        if i % PROGRESS_EVERY == 0:
            say("persons", i, n)
        number = make_id_number(rng, used)
        numbers.append(number)
        _write(f, {"subject_type": "PERSON", "id_number": number, "name": person_name(rng)})
        sizes.persons += 1
    say("persons", n, n)
    return numbers


def _pick_person(rng: random.Random, people: Sequence[str]) -> str:
    # Skewed: a minority of people hold posts in many companies.
    return people[int(len(people) * rng.random() ** 1.7)]


def _organizations(
    rng: random.Random,
    n: int,
    js: list[dict[str, Any]],
    people: Sequence[str],
    files: Mapping[str, IO[bytes]],
    sizes: Sizes,
    shift: dt.timedelta,
    say: Progress,
) -> Organizations:
    orgs = Organizations()
    for i in range(n):
        if i % PROGRESS_EVERY == 0:
            say("organisations and roles", i, n)
        j = rng.choice(js)
        suffix, nature, org_type, _ = _weighted(rng, tuple((f, f[3]) for f in LEGAL_FORMS))
        city = j["fullName"]
        name = f"{city}{rng.choice(TRADE_NAMES)}{rng.choice(INDUSTRIES)}{suffix}"
        code = make_uscc(i + 1, j["code"], org_type == "UNINCORPORATED")
        established = _date(rng, dt.date(1998, 1, 1), REFERENCE_DAY - dt.timedelta(days=30))
        _write(
            files["subjects"],
            {
                "subject_type": "ORGANIZATION",
                "uscc": code,
                "name": name,
                "org_type": org_type,
                "nature": nature,
                "address": f"{city}{rng.choice(TRADE_NAMES)}路{rng.randrange(1, 999)}号",
                "jurisdiction_code": j["code"],
                "established_on": _iso(established, shift),
                "status": "存续" if rng.random() < 0.93 else "注销",
            },
        )
        sizes.organizations += 1
        orgs.append(code)
        for role in _roles(rng, code, org_type, established, people, shift):
            _write(files["roles"], role)
            sizes.roles += 1
    say("organisations and roles", n, n)
    return orgs


def _roles(
    rng: random.Random,
    code: str,
    org_type: str,
    established: dt.date,
    people: Sequence[str],
    shift: dt.timedelta,
) -> Iterator[dict[str, Any]]:
    head = "LEGAL_REPRESENTATIVE" if org_type == "LEGAL_PERSON" else "PRINCIPAL_RESPONSIBLE"
    start = established
    if rng.random() < 0.3:  # the post changed hands once
        change = _date(rng, established + dt.timedelta(days=2), REFERENCE_DAY)
        yield {
            "id_number": _pick_person(rng, people),
            "uscc": code,
            "role": head,
            "start": _iso(start, shift),
            "end": _iso(change - dt.timedelta(days=1), shift),
        }
        start = change
    yield {
        "id_number": _pick_person(rng, people),
        "uscc": code,
        "role": head,
        "start": _iso(start, shift),
    }
    if org_type == "LEGAL_PERSON":
        for kind, count in (
            ("DIRECTOR", rng.randrange(0, 4)),
            ("SUPERVISOR", 1),
            ("SENIOR_MANAGER", rng.randrange(0, 3)),
        ):
            for _ in range(count):
                yield {
                    "id_number": _pick_person(rng, people),
                    "uscc": code,
                    "role": kind,
                    "start": _iso(_date(rng, established, REFERENCE_DAY), shift),
                }
    if rng.random() < 0.05:
        yield {
            "id_number": _pick_person(rng, people),
            "uscc": code,
            "role": "DIRECTLY_RESPONSIBLE",
            "start": _iso(established, shift),
        }


def _entries(
    rng: random.Random,
    orgs: Sequence[str],
    people: Sequence[str],
    depts: list[dict[str, Any]],
    f: IO[bytes],
    sizes: Sizes,
    shift: dt.timedelta,
    say: Progress,
) -> None:
    by_suffix: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    n_black = max(1, (len(orgs) + len(people)) * 11 // 100)
    n_red = max(1, (len(orgs) + len(people)) * 3 // 100)
    for i in range(n_black + n_red):
        if i % PROGRESS_EVERY == 0:
            say("entries", i, n_black + n_red)
        black = i < n_black
        # a row of either table: only a black one has the document prefix (domain[5])
        domain: tuple[Any, ...] = rng.choice(BLACK_DOMAINS if black else RED_DOMAINS)
        suffixes = domain[1]
        candidates = by_suffix.setdefault(
            suffixes, [d for d in depts if d["name"].endswith(suffixes)]
        )
        dept = rng.choice(candidates)
        recognised = _date(rng, dt.date(2019, 1, 1), REFERENCE_DAY)
        on_person = black and rng.random() < 0.25
        row: dict[str, Any] = {
            "list": "BLACK" if black else "RED",
            "department_id": dept["id"],
            "domain": domain[0],
            "category": domain[2],
            "facts": domain[3],
            "basis": domain[4],
            "recognised_on": _iso(recognised, shift),
            "disclosure": _weighted(rng, DISCLOSURES),
            "source_system": "synthetic",
            "source_ref": f"{'B' if black else 'R'}{i:08d}",
        }
        if on_person:
            row["id_number"] = people[rng.randrange(len(people))]
        else:
            row["uscc"] = orgs[rng.randrange(len(orgs))]
        if black:
            row["severity"] = _weighted(rng, SEVERITIES)
            row["act_on"] = _iso(recognised - dt.timedelta(days=rng.randrange(30, 400)), shift)
            row["decision_document"] = f"{dept['name']}行政处理决定书"
            row["document_number"] = (
                f"{domain[5]}〔{(recognised + shift).year}〕{rng.randrange(1, 999)}号"
            )
            sizes.black_entries += 1
        else:
            row["valid_until"] = _iso(recognised + dt.timedelta(days=3 * 365), shift)
            row["disclosure"] = "PUBLIC"
            sizes.red_entries += 1
        _write(f, row)
    say("entries", n_black + n_red, n_black + n_red)


def _records(
    rng: random.Random,
    orgs: Sequence[str],
    people: Sequence[str],
    depts: list[dict[str, Any]],
    f: IO[bytes],
    sizes: Sizes,
    shift: dt.timedelta,
    say: Progress,
) -> None:
    municipal = [d for d in depts if d["name"].endswith("市场监督管理局")]
    n = max(1, (len(orgs) + len(people)) // 5)
    for i in range(n):
        if i % PROGRESS_EVERY == 0:
            say("records", i, n)
        category, kind, title = rng.choice(RECORD_TYPES)
        row = {
            "category": category,
            "type": kind,
            "title": title,
            "department_id": rng.choice(municipal)["id"],
            "recorded_on": _iso(_date(rng, dt.date(2019, 1, 1), REFERENCE_DAY), shift),
            "disclosure": _weighted(rng, DISCLOSURES),
            "source_system": "synthetic",
            "source_ref": f"C{i:08d}",
        }
        if rng.random() < 0.8:
            row["uscc"] = orgs[rng.randrange(len(orgs))]
        else:
            row["id_number"] = people[rng.randrange(len(people))]
        if category == "NEGATIVE":
            row["severity"] = _weighted(rng, SEVERITIES)
        _write(f, row)
        sizes.records += 1
    say("records", n, n)


def sizes_dict(sizes: Sizes) -> dict[str, int]:
    return asdict(sizes)
