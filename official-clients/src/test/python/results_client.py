# Calls the anomaly results APIs through the official Python client and prints what came back as one JSON line.
# Usage: python3 results_client.py <server url> <user> <password>
import json
import sys

from elasticsearch import Elasticsearch, NotFoundError


def records(answer):
    return {"count": answer["count"], "length": len(answer["records"]),
            "scores": [r["record_score"] for r in answer["records"]]}


def influencers(answer):
    found = answer["influencers"]
    return {"count": answer["count"], "length": len(found), "scores": [i["influencer_score"] for i in found],
            "first": found[0]["influencer_field_value"] if found else None}


def main():
    url, user, password = sys.argv[1:4]
    client = Elasticsearch(url, http_auth=(user, password))
    out = {"client": __import__("elasticsearch").__versionstr__, "version": client.info()["version"]["number"]}
    # No option: the client sends a request without a body.
    out["records"] = records(client.ml.get_records(job_id="it-ops-kpi"))
    # Options in a JSON body.
    out["recordsWithOptions"] = records(client.ml.get_records(
        job_id="it-ops-kpi",
        body={"record_score": 50, "sort": "record_score", "desc": True, "page": {"from": 0, "size": 2}}))
    out["influencers"] = influencers(client.ml.get_influencers(job_id="it_ops_new_kpi"))
    # Options in the query string.
    out["influencersWithOptions"] = influencers(client.ml.get_influencers(
        job_id="it_ops_new_kpi", influencer_score=50, sort="influencer_score", desc=False, size=3))
    try:
        client.ml.get_records(job_id="no-such-job")
        out["error"] = None
    except NotFoundError as e:
        out["error"] = {"name": type(e).__name__, "status": e.status_code, "type": e.error,
                        "reason": e.info["error"]["reason"]}
    sys.stdout.write(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
