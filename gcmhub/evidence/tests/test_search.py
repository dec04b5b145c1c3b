"""Searching passages: full text (FTS5 on SQLite, tsvector on PostgreSQL), meaning across
languages, the two fused, filters and visibility."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from gcmhub.accounts.models import Role
from gcmhub.accounts.tests.factories import AdminFactory, OrganisationFactory, member
from gcmhub.common.errors import InvalidInput
from gcmhub.evidence import search, selectors, services
from gcmhub.evidence.models import Document
from gcmhub.evidence.search import Filters
from gcmhub.evidence.tests.audit_cases import TOPICS, ingest_topic, remittance_passage_tag

pytestmark = pytest.mark.django_db

FRENCH = (
    "Les envois de fonds des travailleurs migrants soutiennent des millions de familles. "
    "Le gouvernement veut réduire les frais de transfert des remittances et encourager des "
    "services plus rapides et moins chers pour envoyer de l'argent au pays."
)
# doc_type and year of each topic's document
OPTIONS = {
    "remittances": ("report", 2021),
    "trafficking": ("review", 2022),
    "climate": ("report", 2023),
    "education": ("practice", 2024),
}


@pytest.fixture(autouse=True)
def fresh_vector_index():
    # Rolled-back tests reuse passage ids on SQLite, which the index's freshness key cannot see.
    search.INDEX._key = None


@pytest.fixture
def topics() -> dict[str, int]:
    """The four topics, published, as documents; topic -> document id."""
    admin = AdminFactory()
    return {
        topic: ingest_topic(admin, topic, doc_type=doc_type, year=year, is_public=True).document_id
        for topic, (doc_type, year) in OPTIONS.items()
    }


def run(query: str, user=None, mode: str = "hybrid", **filters) -> dict:
    return selectors.search(user, query, selectors.filters_from(filters), mode=mode)


def topics_of(data: dict, ids: dict[str, int]) -> list[str]:
    by_id = {v: k for k, v in ids.items()}
    return [by_id.get(r["document"]["id"], "?") for r in data["results"]]


def test_full_text_finds_a_passage_by_a_word_in_it(topics):
    for mode in ("fulltext", "hybrid"):
        data = run("dismantled", mode=mode)
        assert topics_of(data, topics)[0] == "trafficking"
        assert data["results"][0]["matched_by"]["fulltext"] == 1
    fulltext = run("dismantled", mode="fulltext")
    assert fulltext["total"] == 1
    assert set(fulltext["results"][0]["matched_by"]) == {"fulltext"}
    # The last word is also a prefix; stems match ("droughts" finds "Droughts").
    assert topics_of(run("certific", mode="fulltext"), topics) == ["education"]
    assert topics_of(run("drought", mode="fulltext"), topics) == ["climate"]
    # All words first; any of them when all find nothing.
    assert topics_of(run("police traffickers", mode="fulltext"), topics) == ["trafficking"]
    either = run("teachers zanzibar police", mode="fulltext")
    assert sorted(topics_of(either, topics)) == ["education", "trafficking"]
    assert run("zanzibar", mode="fulltext")["total"] == 0


def test_a_spanish_query_finds_the_english_remittance_passage_first(topics):
    data = run("reducir el costo de las remesas")
    assert topics_of(data, topics)[0] == "remittances"
    first = data["results"][0]
    assert "fulltext" not in first["matched_by"]  # no Spanish word is in the English texts
    rank, cosine = first["matched_by"]["semantic"]
    assert rank == 1 and cosine >= search.SEMANTIC_FLOOR
    assert all(r["matched_by"]["semantic"][1] < cosine for r in data["results"][1:])
    assert first["passage"]["text"] == TOPICS["remittances"]
    assert first["passage"]["language"] == "en"
    assert ("objective", "20") in {(t["kind"], t["code"]) for t in first["passage"]["tags"]}
    assert first["document"]["title"] == "remittances"


def test_semantic_mode_ranks_by_meaning_alone(topics):
    data = run("people leaving their homes because of floods", mode="semantic")
    assert topics_of(data, topics)[0] == "climate"
    assert all(set(r["matched_by"]) == {"semantic"} for r in data["results"])
    cosines = [r["matched_by"]["semantic"][1] for r in data["results"]]
    assert cosines == sorted(cosines, reverse=True)
    assert min(cosines) >= search.SEMANTIC_FLOOR


def test_hybrid_fuses_both_rankings(topics):
    data = run("migrants sending money home")
    assert topics_of(data, topics)[0] == "remittances"
    assert set(data["results"][0]["matched_by"]) == {"fulltext", "semantic"}
    assert data["total"] == 4  # every text says "migrants"
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_filters_narrow_the_results(topics):
    def found(**filters):
        return sorted(topics_of(run("migrants", mode="fulltext", **filters), topics))

    assert found() == ["climate", "education", "remittances", "trafficking"]
    assert found(doc_type="review") == ["trafficking"]
    assert found(doc_type="report") == ["climate", "remittances"]
    assert found(year="2024") == ["education"]
    assert found(year="2024", doc_type="report") == []
    assert found(item="objective:20") == ["remittances"]
    assert found(language="fr") == []
    assert topics_of(run("migrants", item="objective:20"), topics) == ["remittances"]
    victims = "victims of human trafficking and exploitation"
    assert topics_of(run(victims, mode="semantic"), topics)[0] == "trafficking"
    assert "trafficking" not in topics_of(run(victims, mode="semantic", year="2021"), topics)
    # A rejected tag no longer places its passage under the item.
    tag = remittance_passage_tag(topics["remittances"])
    services.tag_decide(by=AdminFactory(), pk=tag.pk, status="rejected")
    assert found(item="objective:20") == []
    assert run("remittances", item="objective:20")["total"] == 0


def test_language_filter(topics):
    french = services.ingest_file(by=None, filename="fr.txt", content=FRENCH.encode())
    assert Document.objects.get(pk=french.document_id).language == "fr"
    everything = run("migrants", mode="fulltext")
    assert french.document_id in {r["document"]["id"] for r in everything["results"]}
    assert everything["total"] == 5
    only = run("migrants", mode="fulltext", language="fr")
    assert [r["document"]["id"] for r in only["results"]] == [french.document_id]
    english = run("migrants", language="en")
    assert french.document_id not in {r["document"]["id"] for r in english["results"]}
    assert english["total"] == 4


def test_country_filter(topics, registry):
    services.document_update(by=AdminFactory(), pk=topics["climate"], changes={"iso3": "BGD"})
    data = run("migrants", iso3="bgd", mode="fulltext")
    assert topics_of(data, topics) == ["climate"]
    assert data["results"][0]["document"]["iso3"] == "BGD"
    assert run("migrants", iso3="MAR")["total"] == 0
    assert topics_of(run("migrants", region="142", mode="fulltext"), topics) == ["climate"]  # Asia
    assert run("migrants", region="002")["total"] == 0  # Africa


def test_visitors_search_published_documents_only(topics):
    org = OrganisationFactory()
    private = ingest_topic(AdminFactory(), "remittances", suffix="Internal.", organisation=org.pk)
    query = "transaction costs of remittances"
    everyone = {r["document"]["id"] for r in run(query)["results"]}
    assert private.document_id in everyone
    for user in (AnonymousUser(), member(Role.VIEWER, OrganisationFactory())):
        for mode in ("hybrid", "fulltext", "semantic"):
            seen = {r["document"]["id"] for r in run(query, user=user, mode=mode)["results"]}
            assert private.document_id not in seen and topics["remittances"] in seen
    insider = member(Role.VIEWER, org)
    assert private.document_id in {r["document"]["id"] for r in run(query, user=insider)["results"]}


@pytest.mark.parametrize(
    ("query", "message"),
    [("", "no words"), ("  ?! ", "no words"), ("x" * 201, "longer than 200 characters")],
)
def test_empty_or_overlong_queries_are_refused(query, message):
    with pytest.raises(InvalidInput, match=message):
        search.rank(query, Document.objects.all(), Filters())


def test_bad_filters_and_modes_are_refused():
    with pytest.raises(InvalidInput) as caught:
        selectors.filters_from(
            {"item": "objective", "doc_type": "novel", "language": "de", "year": "recent"}
        )
    assert {e.field for e in caught.value.errors} == {"item", "doc_type", "language", "year"}
    with pytest.raises(InvalidInput, match="mode"):
        selectors.search(None, "migrants", Filters(), mode="fuzzy")


def test_search_api(client, topics):
    data = client.get("/api/v1/evidence/search", {"q": "reducir el costo de las remesas"}).json()
    assert data["results"][0]["document"]["id"] == topics["remittances"]
    words = client.get("/api/v1/evidence/search", {"q": "dismantled", "mode": "fulltext"}).json()
    assert [r["document"]["id"] for r in words["results"]] == [topics["trafficking"]]
    meaning = client.get("/api/v1/evidence/search", {"q": "floods", "mode": "semantic"}).json()
    assert meaning["mode"] == "semantic"
    assert meaning["results"][0]["document"]["id"] == topics["climate"]
    narrowed = client.get("/api/v1/evidence/search", {"q": "migrants", "item": "objective:20"})
    assert [r["document"]["id"] for r in narrowed.json()["results"]] == [topics["remittances"]]

    for params, text in (
        ({"q": ""}, "no words"),
        ({"q": "x" * 201}, "longer than 200"),
        ({"q": "migrants", "item": "goal"}, "filters are not valid"),
    ):
        response = client.get("/api/v1/evidence/search", params)
        assert response.status_code == 422, params
        body = response.json()
        assert body["code"] == "invalid_input" and text in body["message"]
    bad_mode = client.get("/api/v1/evidence/search", {"q": "migrants", "mode": "fuzzy"})
    assert bad_mode.status_code == 422
    assert client.get("/api/v1/evidence/search").status_code == 422  # no q at all
