#!/usr/bin/env python3
"""Build ui/src/fake/fixture.json: a small slice of the real data for the in-memory fake backend.

Dev-time only (the app never reads the shared data folder). Usage:
    python3 ui/scripts/make-fixture.py /work/shared/data > ui/src/fake/fixture.json
The procedure text is split roughly here; the real parsing lives in congdan-sources.
"""
import csv, json, re, sys, email.utils, datetime

DATA = sys.argv[1]
PROVINCES_WITH_COMMUNES = {"01", "46", "96"}
CODES = ["1.001193", "1.004884", "1.014064", "1.003583"]
EXTRA_NAMES = ["Cấp đổi thẻ căn cước", "Cấp lại giấy chứng nhận căn cước", "Cấp lại thẻ căn cước (thực hiện tại cấp trung ương)", "Cấp thẻ căn cước cho người dưới 14 tuổi (thực hiện tại cấp tỉnh)"]
MAX = 600


def clip(s, n=MAX):
    s = s.strip()
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


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


def split_docs(text):
    docs, group = [], ""
    text = text.lstrip("-")
    for part in re.split(r"(\*[^:*]{0,80}:)", text):
        if part.startswith("*"):
            group = part.strip("*: ").strip()
            continue
        part = part.replace("Tên giấy tờMẫu đơn, tờ khaiSố lượng", "")
        for m in re.finditer(r"(.+?)((?:\d+ bản (?:chính|sao)[,-]?)+)", part, re.S):
            name = m.group(1).strip(" -\n")
            if name:
                docs.append({"group": group, "name": clip(name, 300), "copies": m.group(2).strip(" ,-")})
    return docs[:8]


def split_channels(text):
    text = text.replace("Hình thức nộpThời gianPhí, lệ phíMô tả", "")
    parts = re.split(r"(Trực tiếp|Trực tuyến|Dịch vụ bưu chính)", text)
    out = []
    for i in range(1, len(parts), 2):
        body = parts[i + 1]
        m = re.match(r"(\d+(?: Ngày làm việc| Ngày| Giờ)?)(.*)", body, re.S)
        duration, rest = (m.group(1), m.group(2)) if m else ("", body)
        fm = re.match(r"(Miễn phí|Không có thông tin|[\d.,]+ Việt Nam Đồng(?:\([^)]*\))?|Lệ phí[^-]*)(.*)", rest, re.S)
        fee, desc = (fm.group(1), fm.group(2)) if fm else ("", rest)
        out.append({"mode": parts[i], "duration": duration.strip(), "fee": clip(fee, 200), "description": clip(desc.strip(" -"), 300)})
    return out


def split_legal(text):
    text = text.replace("Tên văn bản pháp lýMã văn bản", "")
    out = []
    for m in re.finditer(r"(.+?)(\d+/\d{4}/[A-ZĐ0-9-]+)(?=[A-ZĐ\s]|$)", text, re.S):
        out.append({"title": clip(m.group(1).strip(), 200), "number": m.group(2)})
    return out[:6]


def procedures():
    out = []
    with open(f"{DATA}/procedures/procedures.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["ma_thu_tuc"] not in CODES and r["ten_thu_tuc"] not in EXTRA_NAMES:
                continue
            steps = [clip(s.strip(" -\n"), 400) for s in re.split(r"\n(?=- )", r["trinh_tu_thuc_hien"]) if s.strip(" -\n")]
            out.append({
                "code": r["ma_thu_tuc"],
                "name": " ".join(r["ten_thu_tuc"].split()),
                "decision": r["so_quyet_dinh"],
                "levels": [l.strip() for l in r["cap_thuc_hien"].split(",") if l.strip()],
                "field": r["linh_vuc"],
                "applicants": r["doi_tuong_thuc_hien"],
                "authority": r["co_quan_co_tham_quyen"],
                "agency": r["co_quan_thuc_hien"],
                "address": r["dia_chi_tiep_nhan"],
                "issuer": r["co_quan_ban_hanh"],
                "steps": steps[:6],
                "channels": split_channels(r["cach_thuc_thuc_hien"]),
                "documents": split_docs(r["thanh_phan_ho_so"]),
                "legal_basis": split_legal(r["can_cu_phap_ly"]),
                "source_url": r["detail_url"],
            })
    return out


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


json.dump({"units": units(), "procedures": procedures(), "news": news()}, sys.stdout, ensure_ascii=False, indent=1)
