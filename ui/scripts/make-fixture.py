#!/usr/bin/env python3
"""Build ui/src/fake/fixture.json: a small slice of the real data for the in-memory fake backend.

Dev-time only (the app never reads the shared data folder). Usage:
    python3 ui/scripts/make-fixture.py /work/shared/data > ui/src/fake/fixture.json
Procedures are not here: ui/src/fake/procedures.json holds answers recorded from the real
client core (tests/src/bin/record_ui_fixture.rs), so the fake never re-implements search.
"""
import csv, json, re, sys, email.utils, datetime

DATA = sys.argv[1]
PROVINCES_WITH_COMMUNES = {"01", "46", "96"}


def units():
    out, seen = [], set()
    communes = []
    with open(f"{DATA}/units/units.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            p = row["province_code"]
            if p not in seen:
                seen.add(p)
                kind = "Thành phố" if row["province_name"].startswith("Thành phố") else "Tỉnh"
                out.append({"code": p, "name": row["province_name"], "level": "province", "parent": None, "kind": kind})
            if p in PROVINCES_WITH_COMMUNES:
                communes.append({"code": row["unit_code"], "name": row["unit_name"], "level": "commune", "parent": p, "kind": row["unit_type"]})
    return out + communes


def news():
    import xml.etree.ElementTree as ET
    root = ET.parse(f"{DATA}/feeds/vnexpress-tin-moi-nhat-20170830.xml").getroot()
    ch = root.find("channel")
    source = ch.findtext("title").strip()
    items = []
    for i, it in enumerate(ch.findall("item")[:5]):
        desc = it.findtext("description").strip()
        img = re.search(r'src="([^"]+)"', desc)
        summary = re.sub(r"<[^>]+>", "", desc).strip()
        link = it.findtext("link").strip()
        when = email.utils.parsedate_to_datetime(it.findtext("pubDate").strip()).astimezone(datetime.timezone.utc)
        body = (f'<p><img src="{img.group(1)}" alt=""></p>' if img else "") + f"<p>{summary}</p>"
        num = re.search(r"(\d+)\.html", link)
        items.append({
            "id": "vne-" + (num.group(1) if num else str(i)),
            "unit": "VN", "source": source, "title": it.findtext("title").strip(),
            "summary": summary, "body_html": body, "link": link,
            "image": img.group(1) if img else None,
            "published_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        })
    return items


json.dump({"units": units(), "news": news()}, sys.stdout, ensure_ascii=False, indent=1)
