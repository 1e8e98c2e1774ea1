"""Re-cite policy-flag rows of ../cities-2024.sources.csv on better hosts (second pass, 2026-12).

Values are never changed: each edit asserts the row's value first. Idempotent.
Run: python3 data/lists/recite_policy_flags.py
"""
import csv
from pathlib import Path

SOURCES = Path(__file__).resolve().parent.parent / "cities-2024.sources.csv"

PD_JA = "http://j.people.com.cn/n3/2021/0220/c95952-9820412.html"
FMMC = "https://www.fmmc.or.jp/ictg/country/news/itemid483-006357.html"
MEMBERS_TRUSTED = ("every member of the list is named on a trusted page: Shanghai (Pudong), Shenzhen, Jinan-Qingdao, Beijing, Tianjin (Binhai), "
                   f"Hangzhou, Guangzhou, Chengdu on People's Daily Online (Japanese edition) 2021-02-20 ({PD_JA}); Nanjing on China Reform Daily "
                   "2022-11-07 (cfgw.net.cn e-paper); Changsha on Hunan Daily 2022-09-30 (epaper.voc.com.cn); Wuhan on jxj.wuhan.gov.cn")

PIONEER_8 = {
    "note": ("MIIT national AI innovative-application pioneer zone (1=designated). Shanghai=Pudong New Area, Tianjin=Binhai New Area, "
             "Jinan-Qingdao joint zone. People's Daily Online names the first batch (上海浦東新区, 深圳, 済南-青島) and the second batch "
             "(北京, 天津浜海新区, 杭州, 広州, 成都), 8 zones in all as of 2021-02; re-cited 2026-12 (value unchanged; was a reprint on "
             "cabos.cn or gjgxy.cn) [unit: flag(1=designated)]"),
    "publisher": "People's Daily Online, Japanese edition (人民網日本語版), reporting MIIT (工业和信息化部)",
    "title": "中国、AIイノベーション応用先導エリアが8ヶ所に (MIIT second batch: 北京、天津(浜海新区)、杭州、広州、成都; after 上海(浦東新区)、深セン、済南-青島)",
    "published": "2021-02-20", "url": PD_JA, "mirror": "false",
}
PIONEER_0 = {
    "note": ("0 = not on the complete list of 11 MIIT pioneer zones (after the third batch, 2022-09/10: 上海(浦東新区), 深セン, 済南-青島, 北京, "
             "天津(浜海新区), 杭州, 広州, 成都, 南京, 武漢, 長沙), as listed on this page; " + MEMBERS_TRUSTED + ". The count 11 is also in "
             "Xinhua 2022-10-02 (Japanese reprint japanchina-shizuoka.jp, the previous citation) and People's Daily Online Jiangsu 2022-10-08 "
             "(text seen, address not available). No later batch found. A complete official list justifies every row, the zeros included; "
             "re-cited 2026-12 (value unchanged) [unit: flag]"),
    "publisher": "MIIT (工业和信息化部), as reported by FMMC (一般財団法人マルチメディア振興センター, ICT Global Trend)",
    "title": "MIIT、南京、武漢、長沙で国家AI革新応用先導区の新設を許可 (全国計11の先導区)",
    "published": "2022-10", "url": FMMC, "mirror": "true",
}
EDITS = {("ai_pioneer_zone", c): ("1", PIONEER_8) for c in
         ("Beijing", "Tianjin", "Hangzhou", "Chengdu", "Shanghai", "Shenzhen", "Jinan", "Qingdao")}
EDITS.update({
    ("ai_pilot_zone", "Beijing"): ("1", {
        "publisher": "Xinhua News Agency (新华社), as carried by China News Service (chinanews.com.cn)",
        "title": "我国将布局建设20个左右国家新一代人工智能创新发展试验区 (此前,北京市成为全国首个国家新一代人工智能创新发展试验区)",
        "published": "2019-09-06", "url": "https://www.chinanews.com.cn/cj/2019/09-06/8949618.shtml", "mirror": "true",
        "note": ("MOST national new-generation AI innovation & development pilot zone (1=designated). Xinhua: Beijing was the first pilot zone "
                 "(MOST letter 国科函规〔2019〕27号, 2019-02); re-cited 2026-12 (value unchanged; was a reprint on gswwjm.com) [unit: flag(1=designated)]")}),
    ("ai_pilot_zone", "Xi'an"): ("1", {
        "publisher": "Ministry of Science and Technology (科技部); letter carried by China Radio International (国际在线, 中央广电总台)",
        "title": "科技部关于支持西安建设国家新一代人工智能创新发展试验区的函",
        "published": "2020-03-10", "url": "https://big5.cri.cn/gate/big5/sn.cri.cn/n/20200310/319671c0-43e5-7ae7-c8fb-255694129d5b.html", "mirror": "true",
        "note": ("MOST national new-generation AI innovation & development pilot zone (1=designated). The MOST letter to the Shaanxi government "
                 "(published by MOST 2020-03-09) reproduced by CRI; re-cited 2026-12 (value unchanged; was a reprint on brand.zhonghongwang.com) "
                 "[unit: flag(1=designated)]")}),
})


def main():
    rows = list(csv.reader(open(SOURCES, encoding="utf-8", newline="")))
    h = rows[0]
    ix = {k: h.index(k) for k in h}
    done = 0
    for r in rows[1:]:
        key = (r[ix["column"]], r[ix["unit"]])
        if r[ix["column"]] == "ai_pioneer_zone" and r[ix["value"]] == "0":
            spec = ("0", PIONEER_0)
        elif key in EDITS:
            spec = EDITS[key]
        else:
            continue
        value, fields = spec
        assert r[ix["value"]] == value, (key, r[ix["value"]])
        for k, v in fields.items():
            r[ix[k]] = v
        done += 1
    with open(SOURCES, "w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    print(done, "rows re-cited")


if __name__ == "__main__":
    main()
