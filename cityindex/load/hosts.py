"""Which kind of site a source's url is on: the trust a Chinese reader gives a value's page.

Every value of a sources file is read on some page. `classify_url` sorts that page into one of

* **publisher** — the sources row says the url is on the original publisher's own site
  (``mirror`` false): the CAC's attachment, the association's own article, the compiler's own
  repository. The row's own statement, shown beside the publisher's name;
* **government** — a Chinese government site (a host under ``gov.cn``), e.g. a city bureau
  that names the designation it implements;
* **news** — a recognised news outlet (`NEWS_HOSTS`: Xinhua, People's Daily, China News
  Service, the city's party newspaper, the portals' news channels that reprint an outlet…);
* **transcription** — a copy of the official document that says what it copies: Wikisource,
  and the repositories in `TRANSCRIPTION_HOSTS` that store an official list with its origin;
* **unrelated** — any other host: a reprint on a shop, a game site, a wiki, a blog. A value
  whose every source is unrelated rests on nothing a reader can trust.

The tables are short on purpose: a host is added when a page on it was read and judged, with
a comment saying what the site is. Unknown hosts count as unrelated.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal
from urllib.parse import urlsplit

HostClass = Literal["publisher", "government", "news", "transcription", "unrelated"]
HOST_CLASSES: tuple[HostClass, ...] = (
    "publisher",
    "government",
    "news",
    "transcription",
    "unrelated",
)
"""From most to least trusted; a value counts under the best class among its sources."""

GOVERNMENT_SUFFIXES: tuple[str, ...] = ("gov.cn",)

NEWS_HOSTS: tuple[str, ...] = (
    "news.cn",  # Xinhua (新华社), incl. provincial channels such as sx.news.cn
    "xinhuanet.com",  # Xinhua
    "people.com.cn",  # People's Daily Online (人民网), incl. j.people.com.cn
    "people.cn",  # People's Daily Online, English edition (en.people.cn)
    "chinanews.com.cn",  # China News Service (中新网)
    "chinanews.com",
    "stdaily.com",  # Science and Technology Daily (科技日报)
    "cctv.com",  # China Central Television
    "cgtn.com",  # CGTN (China Global Television Network), China Media Group
    "cri.cn",  # China Radio International (国际在线, 中央广电总台)
    "thepaper.cn",  # The Paper (澎湃新闻)
    "caixin.com",  # Caixin (财新)
    "21jingji.com",  # 21st Century Business Herald (21世纪经济报道)
    "yicai.com",  # Yicai (第一财经)
    "jiemian.com",  # Jiemian (界面新闻)
    "crntt.com",  # China Review News Agency (中评社), Hong Kong
    "udn.com",  # United Daily News (联合报), Taipei
    "media.dglab.com",  # DG Lab media (Tokyo): carries Xinhua's Japanese wire (新華社), credited
    "voc.com.cn",  # Hunan Daily (湖南日报) e-paper
    "cfgw.net.cn",  # China Reform Daily (中国改革报) e-paper
    "jschina.com.cn",  # Xinhua Daily (新华日报), Jiangsu
    "zjol.com.cn",  # Zhejiang Online (浙江在线), Zhejiang Daily Press Group
    "163.com",  # NetEase News (网易新闻), reprinting outlets
    "sina.com.cn",  # Sina (新浪) news and finance channels, reprinting outlets
    "sohu.com",  # Sohu (搜狐) news, reprinting outlets
    "equalocean.com",  # EqualOcean (亿欧国际), technology-business news outlet
    "china.com.cn",  # China.org.cn (中国网), state news portal (China Intl. Communications Group)
    "chinadaily.com.cn",  # China Daily (中国日报), state English daily, incl. govt. channel
)

TRANSCRIPTION_HOSTS: tuple[str, ...] = (
    "wikisource.org",  # verbatim texts that name the issuing body and the original page
    "github.com/iamcristye/dfc",  # MOE Double First-Class list 教研函〔2022〕1号, verbatim
    "github.com/chenluo951-oss/lawdatify-site",  # CAC filing attachments, each with its URL
)


def _split(url: str) -> tuple[str, str]:
    """The url's host (lower case, without ``www.`` and port) and path (lower case)."""
    parts = urlsplit(url.strip() if "//" in url else "//" + url.strip())
    host = (parts.hostname or "").lower()
    return (host[4:] if host.startswith("www.") else host), parts.path.lower()


def _matches(host: str, path: str, pattern: str) -> bool:
    domain, _, prefix = pattern.partition("/")
    on_domain = host == domain or host.endswith("." + domain)
    return on_domain and (not prefix or (path + "/").startswith("/" + prefix + "/"))


def host_of(url: str) -> str:
    """The host a url is on, as the report names it: ``bj.crntt.com``."""
    return _split(url)[0]


def classify_url(url: str, *, mirror: bool) -> HostClass:
    """The class of the page `url` (see the module's docstring); `mirror` false means the
    sources row says the url is on the publisher's own site."""
    if not mirror:
        return "publisher"
    host, path = _split(url)
    if any(_matches(host, path, s) for s in GOVERNMENT_SUFFIXES):
        return "government"
    if any(_matches(host, path, s) for s in NEWS_HOSTS):
        return "news"
    if any(_matches(host, path, s) for s in TRANSCRIPTION_HOSTS):
        return "transcription"
    return "unrelated"


def best_class(classes: Iterable[HostClass]) -> HostClass:
    """The most trusted of `classes` (``unrelated`` when there is none)."""
    found = set(classes)
    return next((c for c in HOST_CLASSES if c in found), "unrelated")
