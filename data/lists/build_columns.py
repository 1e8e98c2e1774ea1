"""Rebuild the AI-specific list columns of ../cities-2024.csv from the transcriptions in this folder.

Idempotent: the columns listed in NEW are dropped (with their rows in ../cities-2024.sources.csv)
and appended again. Existing columns, rows and sources rows are not touched.
Run: python3 data/lists/build_columns.py   (from the repository root or anywhere)
"""
import collections
import csv
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "cities-2024.csv"
SOURCES = HERE.parent / "cities-2024.sources.csv"

PROV = {  # province of each of the 30 cities (for the unattributed-filings note)
    "Beijing": "北京市", "Shanghai": "上海市", "Tianjin": "天津市", "Chongqing": "重庆市",
    "Shenzhen": "广东省", "Guangzhou": "广东省", "Dongguan": "广东省", "Zhuhai": "广东省",
    "Hangzhou": "浙江省", "Ningbo": "浙江省", "Jiaxing": "浙江省", "Shaoxing": "浙江省",
    "Nanjing": "江苏省", "Suzhou": "江苏省", "Wuxi": "江苏省", "Changzhou": "江苏省", "Nantong": "江苏省",
    "Zhenjiang": "江苏省", "Chengdu": "四川省", "Hefei": "安徽省", "Wuhan": "湖北省", "Xi'an": "陕西省",
    "Jinan": "山东省", "Qingdao": "山东省", "Changsha": "湖南省", "Zhengzhou": "河南省", "Shenyang": "辽宁省",
    "Harbin": "黑龙江省", "Guiyang": "贵州省", "Changchun": "吉林省",
}


def cac_genai():
    rows = list(csv.DictReader(open(HERE / "cac-genai-filings-2024.csv", encoding="utf-8")))
    assert len(rows) == 302 and sorted(int(r["seq"]) for r in rows) == list(range(1, 303))
    by = collections.defaultdict(collections.Counter)
    unattributed = collections.Counter(r["shudi"] for r in rows if r["city_basis"] == "unknown")
    for r in rows:
        if r["city"]:
            by[r["city"]][r["city_basis"]] += 1
    label = {"shudi_municipality": "by 属地 (municipality)", "filer_name": "by the city in the filer's name",
             "registered_seat_known_unverified": "by the filer's registered seat as generally known (NOT checked against the business register here)",
             "registered_seat_cac_division_code": "by the filer's division code in its CAC deep-synthesis filing number"}

    def cell(city):
        c = by.get(city, collections.Counter())
        n = sum(c.values())
        parts = [f"{v} {label[k]}" for k, v in c.items()]
        note = (f"{n} of the 302 generative-AI services filed with CAC by 2024-12-31 (备案, not 登记) attributed to the city"
                + (": " + "; ".join(parts) if parts else "") + ".")
        u = unattributed.get(PROV[city], 0)
        if u:
            note += f" LOWER BOUND: {u} filing(s) with 属地 {PROV[city]} have no attributable city and are counted nowhere."
        note += (" 8 central-SOE filings (属地 国资委) have no city. Transcription: data/lists/cac-genai-filings-2024.csv."
                 " AI-specific; complete list (absent = 0) [unit: filings]")
        return str(n), note
    meta = dict(year="2024", publisher="Cyberspace Administration of China (国家互联网信息办公室, CAC)",
                title="生成式人工智能服务已备案信息 (cumulative list to 2024-12-31, 302 filed services: attachments 2024年4月/8月/11月, 2025年1月 of https://www.cac.gov.cn/2024-04/02/c_1713729983803145.htm; total confirmed by 关于发布2024年生成式人工智能服务已备案信息的公告, https://www.cac.gov.cn/2025-01/08/c_1738034725920930.htm)",
                published="2025-01-08",
                url="https://github.com/chenluo951-oss/lawdatify-site/blob/7218398d11d3f8d545164dc3ba688aa1042b0d61/sources/algo/genai_filing.json",
                mirror="true")
    return cell, meta


def llm_list():
    rows = list(csv.DictReader(open(HERE / "llm-list-wgwang-2024-11-30.csv", encoding="utf-8")))
    c = collections.Counter(r["city_en"] for r in rows)

    def cell(city):
        return str(c.get(city, 0)), (f"rows of the 中国大模型列表 whose 省市 column names the city ({len(rows)} rows in all); "
                                     "one compiler's list, not an official register; one organisation may have several rows; "
                                     "absent = 0 on this list. Transcription: data/lists/llm-list-wgwang-2024-11-30.csv [unit: list rows]")
    meta = dict(year="2024", publisher="wgwang (微信公众号 走向未来), compiler",
                title="中国大模型列表 Awesome LLMs In China (README table at commit f2a1119ca2dc01c9c3585dd49a5983fea3efecf5, 2024-11-30)",
                published="2024-11-30",
                url="https://github.com/wgwang/awesome-LLMs-In-China/blob/f2a1119ca2dc01c9c3585dd49a5983fea3efecf5/README.md",
                mirror="false")
    return cell, meta


def dfc_ai():
    rows = list(csv.DictReader(open(HERE / "dfc2022-ai-disciplines.csv", encoding="utf-8")))
    c = collections.Counter(r["city"] for r in rows)
    unis = collections.defaultdict(set)
    for r in rows:
        unis[r["city"]].add(r["university"])

    def cell(city):
        n = c.get(city, 0)
        who = "、".join(sorted(unis.get(city, ())))
        note = (f"second-round Double First-Class construction disciplines 计算机科学与技术, 控制科学与工程 or 软件工程 at universities in the city"
                + (f" ({who})" if who else "") + f"; {len(rows)} such disciplines nationwide; complete list (absent = 0).")
        if city == "Beijing":
            note += " UNDERCOUNT: Peking University and Tsinghua set their own disciplines (自主确定), not in the list, so not counted."
        return str(n), note + " AI-related (talent/research base), not AI alone [unit: disciplines]"
    meta = dict(year="2022", publisher="Ministry of Education, Ministry of Finance, NDRC (教育部 财政部 国家发展改革委)",
                title="第二轮“双一流”建设高校及建设学科名单 (教研函〔2022〕1号 附件)", published="2022-02-14",
                url="https://github.com/iamCristYe/DFC/blob/245ec1de52ace6745f12735ae507079520d98991/Double_First_Class_MOE.txt",
                mirror="true")
    return cell, meta


def annotation():
    rows = list(csv.DictReader(open(HERE / "data-annotation-bases-2024.csv", encoding="utf-8")))
    assert len(rows) == 7
    members = {r["city"]: r for r in rows}
    xinhua = "http://www.sx.news.cn/20240525/8f8631ca329a4672a2628d909432816e/c.html"
    secdaily = "http://www.herich.com.cn/zixun/caijingshishi/2024-05-27/690568.html"

    def cell(city):
        if city in ("Chengdu", "Shenyang", "Hefei"):
            return "1", ("1 = among the 7 cities given the national data-annotation base task (国家数据标注基地建设任务) on 2024-05-24; named on Xinhua's page "
                         f"(which gives the count 7); all 7 also in Securities Daily 2024-05-26 ({secdaily}, reprint). AI-specific (data for AI training); siting designation [unit: flag]"), xinhua, "false", "Xinhua News Agency (新华网山西频道), reporting the National Data Administration", "山西大同成为全国数据标注基地建设任务城市"
        if city == "Changsha":
            return "1", ("1 = among the 7 cities (list of 2024-05-24, Securities Daily 2024-05-26, read on a reprint); also Hunan Daily 2025-02-26 "
                         "(reprint https://haitianruisheng.com/news-10194.htm). Not named on the Xinhua Shanxi page. AI-specific; siting designation [unit: flag]"), secdaily, "true", "Securities Daily (证券日报), reporting the National Data Administration", "国家数据局发布承担数据标注基地建设任务的城市名单"
        return "0", ("0 = not among the 7 cities of the complete list (成都、沈阳、合肥、长沙、海口、保定、大同; National Data Administration, 2024-05-24, "
                     f"as printed by Securities Daily 2024-05-26, read on a reprint); Xinhua ({xinhua}) confirms the count 7. No second batch found [unit: flag]"), secdaily, "true", "Securities Daily (证券日报), reporting the National Data Administration", "国家数据局发布承担数据标注基地建设任务的城市名单"
    return cell


def platforms():
    rows = list(csv.DictReader(open(HERE / "ai-open-innovation-platforms-2019.csv", encoding="utf-8")))
    assert len(rows) == 15
    by = collections.defaultdict(list)
    for r in rows:
        by[r["city"]].append(r)
    basis = {"cac_filer": "city of the firm's entity in the CAC generative-AI list", "cac_division_code": "CAC division code",
             "cac_filer_and_news": "CAC filer entity and a news report", "news": "a news report",
             "seat_known_unverified": "seat as generally known, NOT checked against a register"}

    def cell(city):
        rs = by.get(city, [])
        note = (f"{len(rs)} of the 15 national new-generation AI open innovation platforms (国家新一代人工智能开放创新平台; MOST batches 2017-11 (4), "
                "2018-09 (1), 2019-08 (10); no later batch found) whose lead firm is based in the city")
        if rs:
            note += ": " + "; ".join(f"{r['lead_firm_zh']} {r['domain_zh']} ({basis[r['city_basis']]})" for r in rs)
        note += (". Complete list, absent = 0. The list names firms, not cities: the city of each firm and its evidence are in "
                 "data/lists/ai-open-innovation-platforms-2019.csv.")
        if city == "Shanghai":
            note += " AMBIGUOUS: SenseTime is counted here (CAC filer 上海商汤智能科技; China HQ in Shanghai per a 2022 press report reprinted on houyi.cn) but is registered offshore and was called dual-based in Beijing and Hong Kong by Reuters."
        if city in ("Beijing", "Tianjin"):
            note += " AMBIGUOUS: 360's platform is counted in Beijing (北京奇虎科技); the listed group 三六零科技集团 files with 属地 Tianjin."
        note += " Cross-checks: People's Daily app (first 4, https://peoplesdaily.pdnews.cn/china/er/30001209650); SCMP 2019-08-30 (total 15; reprint https://news.abs-cbn.com/business/08/30/19/china-adds-huawei-hikvision-to-national-team-on-ai-efforts). AI-specific; a designation of lead firms (platform capacity), favours cities with national AI champions [unit: platforms]"
        return str(len(rs)), note
    meta = dict(year="2019", publisher="Ministry of Science and Technology (科技部), reported by EqualOcean",
                title="国家新一代人工智能开放创新平台 (batches 2017-11, 2018-09, 2019-08; 15 platforms) — EqualOcean: 10 Companies Join China's National Open Platform for Next Generation AI",
                published="2019-08-29", url="https://equalocean.com/news/2019082911628", mirror="true")
    return cell, meta


DS_BATCHES = 9  # batches 1-9 (2023-06-20 .. 2024-12-20); batch 10 (2025-03-12) and later are outside the 2024 cut-off
DS_COUNTS = {"1": 41, "2": 110, "3": 129, "4": 266, "5": 394, "6": 492, "7": 487, "8": 509, "9": 411}
DS_CITY = {  # GB/T 2260 division-code prefix of each of the 30 cities (2 digits for the municipalities, 4 otherwise)
    "11": "Beijing", "12": "Tianjin", "31": "Shanghai", "50": "Chongqing",
    "4403": "Shenzhen", "4401": "Guangzhou", "3301": "Hangzhou", "3201": "Nanjing", "3205": "Suzhou", "5101": "Chengdu",
    "3401": "Hefei", "3202": "Wuxi", "4201": "Wuhan", "6101": "Xi'an", "3701": "Jinan", "3702": "Qingdao", "4301": "Changsha",
    "4101": "Zhengzhou", "2101": "Shenyang", "2301": "Harbin", "3302": "Ningbo", "5201": "Guiyang", "3204": "Changzhou",
    "4419": "Dongguan", "3304": "Jiaxing", "3206": "Nantong", "3211": "Zhenjiang", "3306": "Shaoxing", "4404": "Zhuhai",
    "2201": "Changchun",
}


def ds_city(code):
    return DS_CITY.get(code[:2]) if code[:2] in ("11", "12", "31", "50") else DS_CITY.get(code[:4], "")


def cac_deep_synthesis():
    rows = list(csv.DictReader(open(HERE / "cac-deep-synthesis-filings.csv", encoding="utf-8")))
    per_batch = collections.Counter(r["batch"] for r in rows)
    assert dict(per_batch) == DS_COUNTS, per_batch
    assert len({r["filing_no"] for r in rows}) == len(rows) == 2839
    for r in rows:  # the city column must follow from the division code in the filing number
        assert r["division_code"] == r["filing_no"][4:10] and r["city"] == ds_city(r["division_code"]), r
    c = collections.Counter(r["city"] for r in rows if r["city"])
    n30 = sum(c.values())

    def cell(city):
        n = c.get(city, 0)
        note = (f"{n} of the {len(rows)} algorithms on the CAC's published deep-synthesis filing lists (境内深度合成服务算法备案清单, batches 1-9, "
                "2023-06-20 to 2024-12-20) whose filing number 网信算备+6-digit administrative-division code (GB/T 2260) lies in the city "
                f"({'prefix ' + next(k for k, v in DS_CITY.items() if v == city)}); the code is the filer's division at filing time. "
                f"{n30} of the {len(rows)} filings fall in the 30 cities, {len(rows) - n30} elsewhere. Counts algorithms (a filer may file several; "
                "service providers and technical supporters alike; records later marked 已注销 are counted as published). Complete list, absent = 0. "
                "Transcription: data/lists/cac-deep-synthesis-filings.csv. AI-specific (generative / synthesis algorithms) [unit: filings]")
        return str(n), note
    meta = dict(year="2024", publisher="Cyberspace Administration of China (国家互联网信息办公室, CAC)",
                title="境内深度合成服务算法备案清单, batches 1-9 (2023年6月, 2023年8月, 2024年1月, 2月, 4月, 6月, 8月, 10月, 12月; notices "
                      "http://www.cac.gov.cn/2023-06/20/c_1688910683316256.htm … https://www.cac.gov.cn/2024-12/20/c_1736389545949567.htm; "
                      "2,839 filings to 2024-12-20)",
                published="2024-12-20",
                url="https://github.com/chenluo951-oss/lawdatify-site/blob/7218398d11d3f8d545164dc3ba688aa1042b0d61/sources/algo/deepfake_filing.json",
                mirror="true")
    return cell, meta


NEW = ["cac_genai_filings_2024", "llm_entries_wgwang_2024", "ai_dfc_disciplines_2022", "data_annotation_base_2024",
       "ai_open_platforms_2019", "cac_deep_synthesis_filings_2024"]


def main():
    data = list(csv.reader(open(DATA, encoding="utf-8", newline="")))
    header, body = data[0], data[1:]
    keep = [i for i, h in enumerate(header) if h not in NEW]
    header = [header[i] for i in keep] + NEW
    cities = [r[0] for r in body]
    built = {}
    src_rows = []
    for col, fn in (("cac_genai_filings_2024", cac_genai), ("llm_entries_wgwang_2024", llm_list), ("ai_dfc_disciplines_2022", dfc_ai)):
        cell, meta = fn()
        for city in cities:
            v, note = cell(city)
            built[(city, col)] = v
            src_rows.append([city, col, v, meta["year"], meta["publisher"], meta["title"], meta["published"], meta["url"], meta["mirror"], note])
    cell = annotation()
    for city in cities:
        v, note, url, mirror, publisher, title = cell(city)
        built[(city, "data_annotation_base_2024")] = v
        src_rows.append([city, "data_annotation_base_2024", v, "2024", publisher + "; list of the National Data Administration (国家数据局)", title,
                         "2024-05-25" if mirror == "false" else "2024-05-26", url, mirror, note])
    for col, fn in (("ai_open_platforms_2019", platforms), ("cac_deep_synthesis_filings_2024", cac_deep_synthesis)):
        cell, meta = fn()
        for city in cities:
            v, note = cell(city)
            built[(city, col)] = v
            src_rows.append([city, col, v, meta["year"], meta["publisher"], meta["title"], meta["published"], meta["url"], meta["mirror"], note])
    out_body = [[r[i] for i in keep] + [built[(r[0], c)] for c in NEW] for r in body]
    with open(DATA, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(out_body)
    srcs = list(csv.reader(open(SOURCES, encoding="utf-8", newline="")))
    srcs = [srcs[0]] + [r for r in srcs[1:] if r[1] not in NEW]
    with open(SOURCES, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerows(srcs + src_rows)
    for c in NEW:
        print(c, {city: built[(city, c)] for city in cities})


if __name__ == "__main__":
    main()
