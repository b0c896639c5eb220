"""Drives congdan-server with the independent `georeport` Open311 client library.

georeport (PyPI) reads: service list, service definitions and requests, in JSON and in
XML (which it parses with xmltodict). It has no call for creating a request, so the
submission is a plain GeoReport v2 form POST made with `requests`, as the spec describes;
the created request is then read back through georeport.

Usage: python georeport_check.py BASE_URL API_KEY   (BASE_URL like http://127.0.0.1:8787)
Prints one line per check and exits non-zero on the first failure.
"""
import sys

import requests
from georeport import GeoReport


def check(name, condition, detail=""):
    if not condition:
        print(f"FAIL {name}: {detail}")
        sys.exit(1)
    print(f"ok   {name}")


def main():
    base, api_key = sys.argv[1], sys.argv[2]
    root = base.rstrip("/") + "/open311/v2"

    for fmt in ("json", "xml"):
        client = GeoReport(root, api_key=api_key, output_format=fmt)
        services = client.get_service_list()
        codes = [s["service_code"] for s in services]
        check(f"{fmt}: 7 services listed", len(services) == 7, codes)
        check(f"{fmt}: street lighting offered", "chieu-sang-cong-cong" in codes, codes)
        definition = client.get_service_definition("ha-tang-giao-thong")
        attributes = definition["attributes"]
        if fmt == "xml":
            attributes = attributes["attribute"]
        check(f"{fmt}: definition has attributes", len(attributes) >= 2, definition)

    form = {
        "api_key": api_key,
        "service_code": "ha-tang-giao-thong",
        "lat": "21.0341",
        "long": "105.8372",
        "address_string": "Số 12 phố Đội Cấn, phường Ba Đình",
        "description": "Ổ gà lớn trước cổng trường, xe máy dễ ngã.",
        "attribute[loai_hu_hong]": "o-ga",
        "attribute[nguy_hiem]": "co",
        "first_name": "An",
        "last_name": "Nguyễn",
    }
    answer = requests.post(f"{root}/requests.json", data=form, timeout=30)
    check("POST requests.json -> 201", answer.status_code == 201, answer.text)
    created = answer.json()
    request_id = created[0]["service_request_id"]
    check("a service_request_id came back", bool(request_id), created)

    bad = requests.post(f"{root}/requests.json", data={**form, "service_code": "khong-co"}, timeout=30)
    errors = bad.json()
    check("unknown service -> Open311 error list", bad.status_code >= 400 and isinstance(errors, list)
          and "code" in errors[0] and "description" in errors[0], bad.text)

    for fmt in ("json", "xml"):
        client = GeoReport(root, api_key=api_key, output_format=fmt)
        one = client.get_service_request(request_id)
        if isinstance(one, list):
            one = one[0]
        check(f"{fmt}: request read back by id", str(one["service_request_id"]) == str(request_id), one)
        check(f"{fmt}: status is open", one["status"] == "open", one)
        check(f"{fmt}: description kept (NFC Vietnamese)", one["description"] == form["description"], one)
        listed = client.get_service_requests(service_code="ha-tang-giao-thong")
        if isinstance(listed, dict):
            listed = [listed]
        ids = [str(r["service_request_id"]) for r in listed]
        check(f"{fmt}: request listed by service_code", str(request_id) in ids, ids)
        check(f"{fmt}: no personal data in public list",
              all("first_name" not in r and "phone" not in r and "email" not in r for r in listed), listed)

    print("interop: all checks passed")


if __name__ == "__main__":
    main()
