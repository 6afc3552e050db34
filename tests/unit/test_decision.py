"""The decision rule on its own: measures, targets, severities, black over red."""

from graph_schema.rules.decision import Measure, applies, decide
from seeds.measures import catalogue


def measures_for(matter: str) -> list[Measure]:
    return [
        Measure.from_map(
            {
                **m,
                "effect": m["applies"][matter],
                "subjectKinds": m["subject_kinds"],
                "minSeverity": m["min_severity"],
            }
        )
        for m in catalogue()["measures"]
        if matter in m["applies"]
    ]


def hit(
    kind: str = "BLACK", severity: str = "SERIOUS", derived: bool = False, id: str = "e1"
) -> dict:
    return {"id": id, "kind": kind, "severity": severity, "derived": derived}


def test_no_hits_is_clear() -> None:
    assert decide([], measures_for("FISCAL_FUNDS"), "ORGANIZATION").decision == "CLEAR"


def test_black_hit_blocks_where_a_punishment_blocks() -> None:
    out = decide([hit()], measures_for("FISCAL_FUNDS"), "ORGANIZATION")
    assert out.decision == "BLOCK"
    assert {m.id for m, _ in out.applied} == {"jlcj-14-1", "jlcj-14-4"}


def test_black_hit_without_a_measure_for_the_matter_goes_to_review() -> None:
    out = decide([hit()], measures_for("OFFICER_APPOINTMENT"), "ORGANIZATION")
    assert out.decision == "REVIEW" and out.applied == []


def test_officer_rule_needs_a_serious_entry_direct_or_derived() -> None:
    officers = measures_for("OFFICER_APPOINTMENT")
    assert decide([hit(derived=True)], officers, "PERSON").decision == "BLOCK"
    assert decide([hit()], officers, "PERSON").decision == "BLOCK"
    assert decide([hit(severity="MAJOR")], officers, "PERSON").decision == "REVIEW"
    assert decide([hit(severity="UNSTATED")], officers, "PERSON").decision == "REVIEW"


def test_derived_hits_trigger_only_measures_aimed_at_responsible_persons() -> None:
    licensing = measures_for("ADMINISTRATIVE_LICENSING")
    out = decide([hit(derived=True)], licensing, "PERSON")
    assert out.decision == "REVIEW" and [m.id for m, _ in out.applied] == ["jlcj-14-13"]
    assert not any(applies(m, hit(), "PERSON") for m in licensing if m.id == "jlcj-14-13")


def test_red_gives_green_channel_only_where_an_incentive_exists_and_no_black_stands() -> None:
    red = hit(kind="RED", severity="UNSTATED", id="r1")
    assert (
        decide([red], measures_for("ADMINISTRATIVE_LICENSING"), "ORGANIZATION").decision
        == "GREEN_CHANNEL"
    )
    assert decide([red], measures_for("OFFICER_APPOINTMENT"), "ORGANIZATION").decision == "CLEAR"
    both = decide([red, hit(id="b1")], measures_for("ADMINISTRATIVE_LICENSING"), "ORGANIZATION")
    assert both.decision == "BLOCK" and both.outweighed == {"r1"}
    assert all(m.list == "BLACK" for m, _ in both.applied)


def test_catalogue_cites_real_articles_and_known_matters() -> None:
    from graph_schema.model import MatterType
    from graph_schema.rules.legal_basis import cite

    data = catalogue()
    assert {m["code"] for m in data["matters"]} == {m.value for m in MatterType}
    for m in data["measures"]:
        assert m["basis"] and all(cite(b) for b in m["basis"])
        assert set(m["applies"]) <= {x.value for x in MatterType}
        assert set(m["applies"].values()) <= {"BLOCK", "REVIEW", "GREEN_CHANNEL"}
