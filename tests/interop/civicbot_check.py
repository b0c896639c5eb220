"""Drives congdan-server with `civicbot`, an independent Open311 GeoReport v2 client (PyPI).

Unlike georeport, civicbot files requests itself, checks a form against the service
definition it reads from the server, and uses the endpoint URL as discovery gives it, so
this check starts from discovery and from nothing else: the `url` there must be
absolute. Then: services, a definition, a POST (api_key in the form, id in the answer,
no token), the request read back by id and found in searches, the 4,000-character
description limit refused by the server with the spec's error list, and an unknown
service answered with an Open311 error.

Usage: python civicbot_check.py BASE_URL API_KEY   (BASE_URL like http://127.0.0.1:8787)
Prints one line per check and exits non-zero on the first failure.
"""
import json
import sys

from civicbot import Endpoint, HttpError, Open311Client, ValidationError
from civicbot.http import HttpTransport, RateLimiter


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name}: {detail}")
        sys.exit(1)
    print(f"ok   {name}")


def main():
    base, api_key = sys.argv[1], sys.argv[2]
    # The loopback server needs no politeness delay between calls.
    http = HttpTransport(rate_limiter=RateLimiter(min_interval=0.0))

    discovery = http.get_json(base.rstrip("/") + "/open311/v2/discovery.json")
    url = discovery["endpoints"][0]["url"]
    check("discovery gives an absolute endpoint url", url.startswith(("http://", "https://")), url)
    endpoint = Endpoint(id="congdan", name="Cổng Dân", base_url=url, write=True)
    client = Open311Client(endpoint, http)

    services = client.list_services()
    codes = [s["service_code"] for s in services]
    check("7 services listed through the discovered url", len(services) == 7, codes)
    definition = client.get_service_definition("ha-tang-giao-thong")
    required = sorted(a["code"] for a in definition["attributes"] if a["required"])
    check("definition read, required attributes known", required == ["loai_hu_hong", "nguy_hiem"], required)

    fields = dict(
        lat=21.0341,
        lng=105.8372,
        description="Ổ gà lớn trước cổng trường, xe máy dễ ngã.",
        attributes={"loai_hu_hong": "o-ga", "nguy_hiem": "co"},
    )
    try:
        client.create_request("ha-tang-giao-thong", dry_run=False, confirm="SEND", api_key=api_key,
                              validate_remote=True, **{**fields, "attributes": {"loai_hu_hong": "o-ga"}})
        check("a form missing a required attribute is caught from our definition", False)
    except ValidationError as e:
        check("a form missing a required attribute is caught from our definition", "nguy_hiem" in str(e), e)

    sent = client.create_request("ha-tang-giao-thong", dry_run=False, confirm="SEND", api_key=api_key,
                                 validate_remote=True, **fields)
    created = sent.response
    check("POST answered with one created request", isinstance(created, list) and len(created) == 1, created)
    request_id = created[0].get("service_request_id")
    check("the answer carries service_request_id", bool(request_id), created)
    check("the answer carries no token (id or token, not both)", "token" not in created[0], created)

    one = client.get_request(request_id)
    check("request read back by id", str(one["service_request_id"]) == str(request_id), one)
    check("status is open", one["status"] == "open", one)
    check("description kept (NFC Vietnamese)", one["description"] == fields["description"], one)
    by_id = client.list_requests(service_request_ids=[request_id])
    check("found by service_request_id", [r["service_request_id"] for r in by_id] == [request_id], by_id)
    by_code = client.list_requests(service_code="ha-tang-giao-thong", status="open")
    check("found by service_code and status", request_id in [r["service_request_id"] for r in by_code],
          by_code)
    check("no personal data in the public list",
          all("first_name" not in r and "phone" not in r and "email" not in r for r in by_code), by_code)

    # civicbot refuses a description over 4,000 characters itself; send the form it
    # builds for 4,000 with one more character, to see the server refuse it too.
    prepared = client.build_request("ha-tang-giao-thong", api_key=api_key,
                                    **{**fields, "description": "ễ" * 4000})
    form = {**prepared.form, "description": "ễ" * 4001}
    try:
        http.post_form(prepared.url, form)
        check("a 4,001-character description is refused", False)
    except HttpError as e:
        errors = json.loads(e.body)
        check("a 4,001-character description is refused with the spec's error list",
              e.status == 400 and isinstance(errors, list) and errors[0]["code"] == 400
              and errors[0]["description"], (e.status, e.body))

    try:
        client.get_service_definition("khong-co")
        check("unknown service is refused", False)
    except HttpError as e:
        errors = json.loads(e.body)
        check("unknown service -> 404 and an Open311 error list",
              e.status == 404 and errors[0]["code"] == 404 and errors[0]["description"], e.body)

    print("interop: all checks passed")


if __name__ == "__main__":
    main()
