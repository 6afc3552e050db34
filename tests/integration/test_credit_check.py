"""Credit checks through HTTP: decisions, hits with legal basis, batches in input order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.base.db import Database
from tests.conftest import TODAY, LiveServer, unique_id_number, unique_uscc
from tests.graph import load_ok

CITY = "320800/淮安市市场监督管理局"
COUNTY_COURT = "320826/涟水县人民法院"
TAX = "320800/国家税务总局淮安市税务局"

CHECK = """query($s: SubjectRef!, $m: MatterType!, $d: Date) {
  creditCheck(subject: $s, matter: $m, asOf: $d) {
    found decision matter asOf subject { id name kind uscc }
    hits { entryId kind category severity derived outweighed sourceSystem recognisedOn validUntil
           basis documentNumber department { name level }
           chain { organization { name uscc } roles }
           legalBasis { itemId article document } }
    measures { id effect hitIds legalBasis { itemId article } }
    relatedParties { person { name } role derived path }
    error { code value }
  } }"""


def check(
    gql: Any, subject: dict[str, str], matter: str, as_of: str | None = None
) -> dict[str, Any]:
    result = gql(CHECK, {"s": subject, "m": matter, "d": as_of})
    assert "errors" not in result, result
    return result["data"]["creditCheck"]


def black(code: str, dept: str = CITY, **extra: str) -> dict[str, str]:
    days = 30
    recognised = (TODAY - dt.timedelta(days=days)).isoformat()
    return {
        "list": "BLACK",
        "uscc": code,
        "department_id": dept,
        "facts": "提供虚假材料骗取登记",
        "basis": "《企业信息公示暂行条例》第十七条",
        "severity": "SERIOUS",
        "recognised_on": recognised,
        "document_number": "淮市监罚〔2026〕8号",
        "source_system": "淮安市市场监管信用系统",
        "source_ref": code + extra.get("source_ref", ""),
        **{k: v for k, v in extra.items() if k != "source_ref"},
    }


async def test_serious_black_entry_blocks_licensing_with_its_legal_basis(
    db: Database, gql: Any
) -> None:
    org = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": org, "name": "淮安市拦截测试有限公司"}])
    await load_ok(db, "entries", [black(org)])
    c = check(gql, {"uscc": org}, "ADMINISTRATIVE_LICENSING")
    assert c["found"] and c["decision"] == "BLOCK" and c["subject"]["uscc"] == org
    [hit] = c["hits"]
    assert hit["kind"] == "BLACK" and hit["severity"] == "SERIOUS" and not hit["derived"]
    assert hit["department"] == {"name": "淮安市市场监督管理局", "level": "MUNICIPAL"}
    assert hit["sourceSystem"] == "淮安市市场监管信用系统"
    assert hit["basis"] == "《企业信息公示暂行条例》第十七条"
    articles = {b["itemId"] for b in hit["legalBasis"]}
    assert {"ha-jlcj:第六条", "ha-xxgl:第二十七条"} <= articles
    by_id = {m["id"]: m for m in c["measures"]}
    assert by_id["jlcj-14-2"]["effect"] == "BLOCK"
    assert by_id["jlcj-14-2"]["legalBasis"] == [
        {"itemId": "ha-jlcj:第十四条/（二）", "article": "第十四条（二）"}
    ]
    assert by_id["jlcj-14-2"]["hitIds"] == [hit["entryId"]]
    assert by_id["jlcj-14-3"]["effect"] == "REVIEW"


async def test_only_entries_in_force_on_the_date_count(db: Database, gql: Any) -> None:
    org = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": org, "name": "淮安市过期测试有限公司"}])
    await load_ok(db, "entries", [black(org, severity="GENERAL", recognised_on="2024-03-01")])
    assert check(gql, {"uscc": org}, "PUBLIC_RESOURCE_TRADING")["decision"] == "CLEAR"
    then = check(gql, {"uscc": org}, "PUBLIC_RESOURCE_TRADING", "2025-03-01")
    assert then["decision"] == "BLOCK" and then["hits"][0]["validUntil"] == "2025-03-01"
    assert check(gql, {"uscc": org}, "PUBLIC_RESOURCE_TRADING", "2025-03-02")["decision"] == "CLEAR"
    assert check(gql, {"uscc": org}, "PUBLIC_RESOURCE_TRADING", "2024-02-29")["decision"] == "CLEAR"


async def test_red_list_green_channel_and_black_outweighs_red(db: Database, gql: Any) -> None:
    good, mixed = unique_uscc(), unique_uscc()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": good, "name": "淮安市守信示范有限公司"},
            {"uscc": mixed, "name": "淮安市先黑后红有限公司"},
        ],
    )
    red = {
        "list": "RED",
        "department_id": TAX,
        "category": "纳税信用A级纳税人",
        "recognised_on": (TODAY - dt.timedelta(days=10)).isoformat(),
        "disclosure": "PUBLIC",
    }
    await load_ok(
        db,
        "entries",
        [
            {**red, "uscc": good},
            black(
                mixed, dept=COUNTY_COURT, recognised_on=(TODAY - dt.timedelta(days=20)).isoformat()
            ),
            {**red, "uscc": mixed},
        ],
    )
    g = check(gql, {"uscc": good}, "ADMINISTRATIVE_LICENSING")
    assert g["decision"] == "GREEN_CHANNEL" and [m["id"] for m in g["measures"]] == ["jlcj-13-2"]
    assert g["hits"][0]["legalBasis"][0]["itemId"] == "ha-jlcj:第五条"
    assert check(gql, {"uscc": good}, "OFFICER_APPOINTMENT")["decision"] == "CLEAR"
    m = check(gql, {"uscc": mixed}, "ADMINISTRATIVE_LICENSING")
    assert m["decision"] == "BLOCK"
    assert {h["kind"]: h["outweighed"] for h in m["hits"]} == {"BLACK": False, "RED": True}
    assert all(x["id"].startswith("jlcj-14") for x in m["measures"])
    # Recognised by a county court: counts in a city-level check all the same.
    assert {h["department"]["level"] for h in m["hits"] if h["kind"] == "BLACK"} == {"COUNTY"}


async def test_derived_entries_block_officer_appointment_with_the_chain(
    db: Database, gql: Any
) -> None:
    org, boss, clerk = unique_uscc(), unique_id_number(), unique_id_number()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": org, "name": "淮安市严重失信有限公司"},
            {"id_number": boss, "name": "周某"},
            {"id_number": clerk, "name": "吴某"},
        ],
    )
    await load_ok(
        db,
        "roles",
        [{"id_number": boss, "uscc": org, "role": "LEGAL_REPRESENTATIVE", "start": "2018-01-01"}],
    )
    await load_ok(
        db,
        "entries",
        [
            black(org, act_on=(TODAY - dt.timedelta(days=90)).isoformat()),
            {
                "list": "BLACK",
                "id_number": clerk,
                "department_id": COUNTY_COURT,
                "facts": "拒不履行",
                "severity": "GENERAL",
                "recognised_on": (TODAY - dt.timedelta(days=5)).isoformat(),
            },
        ],
    )
    c = check(gql, {"idNumber": boss}, "OFFICER_APPOINTMENT")
    assert c["decision"] == "BLOCK"
    [hit] = c["hits"]
    assert hit["derived"] and hit["chain"] == {
        "organization": {"name": "淮安市严重失信有限公司", "uscc": org},
        "roles": ["LEGAL_REPRESENTATIVE"],
    }
    assert {"ha-xxgl:第二十六条", "ha-jlcj:第十四条/（十三）"} <= {
        b["itemId"] for b in hit["legalBasis"]
    }
    assert {m["id"] for m in c["measures"]} >= {"ec-19-officers", "jlcj-14-11-ban"}
    licence = check(gql, {"idNumber": boss}, "ADMINISTRATIVE_LICENSING")
    assert licence["decision"] == "REVIEW" and [m["id"] for m in licence["measures"]] == [
        "jlcj-14-13"
    ]
    # A general (not serious) direct entry: the officer rule needs 严重, so the officer reviews.
    assert check(gql, {"idNumber": clerk}, "OFFICER_APPOINTMENT")["decision"] == "REVIEW"


async def test_related_party_risk_is_information_only(db: Database, gql: Any) -> None:
    bad_org, other_org, person = unique_uscc(), unique_uscc(), unique_id_number()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": bad_org, "name": "淮安市甲失信有限公司"},
            {"uscc": other_org, "name": "淮安市乙关联有限公司"},
            {"id_number": person, "name": "郑某"},
        ],
    )
    await load_ok(
        db,
        "roles",
        [
            {
                "id_number": person,
                "uscc": bad_org,
                "role": "LEGAL_REPRESENTATIVE",
                "start": "2015-01-01",
            },
            {"id_number": person, "uscc": other_org, "role": "DIRECTOR", "start": "2016-01-01"},
        ],
    )
    await load_ok(db, "entries", [black(bad_org, act_on="2025-01-01")])
    c = check(gql, {"uscc": other_org}, "ADMINISTRATIVE_LICENSING")
    assert c["decision"] == "CLEAR" and c["hits"] == []
    [flag] = c["relatedParties"]
    assert flag["person"]["name"] == "郑某" and flag["role"] == "DIRECTOR" and flag["derived"]
    assert flag["path"].startswith("淮安市乙关联有限公司 ← DIRECTOR ← 郑某")
    # The dishonest organisation is not flagged through its own entry's derivation.
    assert check(gql, {"uscc": bad_org}, "ADMINISTRATIVE_LICENSING")["relatedParties"] == []


async def test_batch_of_1000_mixed_subjects_answers_in_order_in_one_query(
    db: Database, gql: Any, gateway: LiveServer
) -> None:
    known = [unique_uscc() for _ in range(300)]
    await load_ok(
        db,
        "subjects",
        [{"uscc": c, "name": f"淮安市批量核查{i}有限公司"} for i, c in enumerate(known)],
    )
    await load_ok(db, "entries", [black(c) for c in known[::3]])
    refs: list[dict[str, str]] = []
    for i in range(1000):
        if i % 10 == 7:
            refs.append({"uscc": "91320800MA00000000"})  # invalid check digit
        elif i % 3 == 0 and i // 3 < len(known):
            refs.append({"uscc": known[i // 3]})
        else:
            refs.append({"uscc": unique_uscc()})  # valid but unknown
    q = """query($s: [SubjectRef!]!) { creditCheckBatch(subjects: $s, matter: FISCAL_FUNDS) {
             found decision subject { uscc } hits { entryId legalBasis { itemId } }
             error { code value } } }"""
    before = gateway.queries
    result = gql(q, {"s": refs})
    used = gateway.queries - before
    answers = result["data"]["creditCheckBatch"]
    assert len(answers) == 1000 and used == 1
    blocked = {c for c in known[::3]}
    for ref, answer in zip(refs, answers, strict=True):
        code = ref["uscc"]
        if code == "91320800MA00000000":
            assert not answer["found"] and answer["error"]["code"] == "INVALID_USCC"
        elif code in known:
            assert answer["found"] and answer["subject"]["uscc"] == code
            assert answer["decision"] == ("BLOCK" if code in blocked else "CLEAR")
        else:
            assert answer == {
                "found": False,
                "decision": None,
                "subject": None,
                "hits": [],
                "error": None,
            }
    assert all(h["legalBasis"] for a in answers for h in a["hits"])
    too_many = gql(q, {"s": [{"uscc": known[0]}] * 1001})
    assert too_many["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_plain_data_answers_keep_graphql_semantics(db: Database, gql: Any) -> None:
    """Aliases, fragments, @skip/@include and __typename over the executor's fast path."""
    org = unique_uscc()
    await load_ok(db, "subjects", [{"uscc": org, "name": "淮安市语义测试有限公司"}])
    await load_ok(db, "entries", [black(org)])
    q = """query($s: SubjectRef!, $skip: Boolean!) {
      a: creditCheck(subject: $s, matter: FISCAL_FUNDS) { __typename verdict: decision ...Hits }
      b: creditCheck(subject: $s, matter: OFFICER_APPOINTMENT) {
        decision measures @skip(if: $skip) { id } hits @include(if: $skip) { kind } } }
    fragment Hits on CreditCheck { hits { __typename k: kind department { level } } }"""
    data = gql(q, {"s": {"uscc": org}, "skip": True})["data"]
    assert data["a"] == {
        "__typename": "CreditCheck",
        "verdict": "BLOCK",
        "hits": [{"__typename": "CreditHit", "k": "BLACK", "department": {"level": "MUNICIPAL"}}],
    }
    assert data["b"] == {"decision": "REVIEW", "hits": [{"kind": "BLACK"}]}


async def test_checks_need_a_role_and_purpose_withhold_details_and_are_registered(
    db: Database, gql: Any, settings: Any
) -> None:
    from tests.integration.audiences import audit_events, bearer, subject_id

    org, public_org = unique_uscc(), unique_uscc()
    await load_ok(
        db,
        "subjects",
        [
            {"uscc": org, "name": "淮安市授权查询有限公司"},
            {"uscc": public_org, "name": "淮安市公开信息有限公司"},
        ],
    )
    await load_ok(
        db,
        "entries",
        [
            black(org, disclosure="AUTHORISED", facts="SENTINEL 授权事实"),
            black(org, disclosure="GOVERNMENT", source_ref="g"),
            black(public_org, disclosure="PUBLIC"),
        ],
    )
    q = """query($s: [SubjectRef!]!) { creditCheckBatch(subjects: $s, matter: FISCAL_FUNDS) {
             decision hits { disclosure withheld facts documentNumber legalBasis { itemId } } } }"""
    refs = {"s": [{"uscc": org}, {"uscc": public_org}]}
    answer = gql(q, refs, headers=bearer(settings, roles=["approval"]))
    restricted, public = answer["data"]["creditCheckBatch"]
    assert restricted["decision"] == public["decision"] == "BLOCK"  # every entry counts
    by_class = {h["disclosure"]: h for h in restricted["hits"]}
    assert by_class["AUTHORISED"]["withheld"] and by_class["AUTHORISED"]["facts"] is None
    assert by_class["AUTHORISED"]["legalBasis"]  # the legal basis is never withheld
    assert not by_class["GOVERNMENT"]["withheld"] and by_class["GOVERNMENT"]["facts"]
    assert "SENTINEL" not in str(answer)
    [event] = await audit_events(db, await subject_id(db, uscc=org), expect=1)
    assert event["operations"] == ["creditCheck"] and event["purpose"] == "审批核查"
    assert sorted(event["classes"]) == ["AUTHORISED", "GOVERNMENT"]
    await audit_events(db, await subject_id(db, uscc=public_org), expect=0)  # public only
    no_purpose = gql(q, refs, headers=bearer(settings, purpose=None, roles=["approval"]))
    assert no_purpose["errors"][0]["extensions"]["code"] == "PURPOSE_REQUIRED"
    wrong_role = gql(q, refs, headers=bearer(settings, roles=["supervisor"]))
    assert wrong_role["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_the_measure_catalogue_cites_articles_and_implementing_departments(gql: Any) -> None:
    q = """{ measures(matter: ECOMMERCE_ADMISSION) { id kind list matters { matter effect }
             legalBasis { itemId } departments { name asWritten } } }"""
    measures = {m["id"]: m for m in gql(q)["data"]["measures"]}
    assert set(measures) == {"jlcj-14-8", "jlcj-14-13", "ec-19-platform", "ec-18-platform"}
    platform = measures["ec-19-platform"]
    assert {"matter": "ECOMMERCE_ADMISSION", "effect": "BLOCK"} in platform["matters"]
    assert "nat-ec-2016:（十九）" in {b["itemId"] for b in platform["legalBasis"]}
    assert {"name": "淮安市市场监督管理局", "asWritten": "市工商局"} in platform["departments"]
