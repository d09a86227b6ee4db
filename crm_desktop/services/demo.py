"""Demo data: a realistic CRM of any size, the same content for the same seed.

Used by ``crm-desktop demo``, benchmarks and GUI work on big stores. About 40%
of the people have Chinese names, the rest English; companies of both kinds
(contacts/8 of them); valid phone numbers; deals across the default pipeline
(won and lost ones with reasons, each with its stage history); months of calls
and other activities (~10 per contact); tasks, some overdue.

Scale: contacts are made CHUNK at a time together with everything hanging off
them, so memory stays flat up to millions of contacts. Only bulk paths are used
(DESIGN §8: ``add_all`` is ~10x slower than ``executemany``): contacts go
through `create_contacts` (validated like an import), the rest through
`WriteTx.insert_many`, so every row is still change-logged for sync.

Determinism: every choice comes from one ``random.Random(seed)`` and every
time is an offset from ``now``. Record ids (UUIDv7) and bookkeeping times
(``created_at`` of contacts, ``updated_at``) are not content and differ.
"""

from __future__ import annotations

import random
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, update

from crm_desktop.domain.models import Activity, Company, Contact, Deal, DealStageHistory, Task
from crm_desktop.errors import ValidationError
from crm_desktop.ids import new_id
from crm_desktop.services.companies import clean_company
from crm_desktop.services.contacts import create_contacts
from crm_desktop.services.pipelines import ensure_default_pipeline, stage_rows
from crm_desktop.services.tags import ensure_tags
from crm_desktop.store.changes import Row, WriteTx, table_of
from crm_desktop.store.engine import Store

CHUNK = 5_000  # contacts per round; their deals, activities and tasks follow in one transaction
MAX_CONTACTS = 10_000_000
CHINESE_SHARE = 0.4
HISTORY_DAYS = 180  # "months of activities"
Progress = Callable[[int, int], None]
"""Called with (contacts done, contacts in total) after each chunk."""

OWNERS = ("wang.fang", "li.qiang", "zhang.min", "emily.carter", "james.miller")


def _words(text: str) -> list[str]:
    return text.split()


def _pairs(text: str) -> list[tuple[str, str]]:
    """'王wang 李li' -> [('王', 'wang'), ('李', 'li')]: characters with their pinyin."""
    out = []
    for word in text.split():
        split = next(i for i, c in enumerate(word) if c.isascii())
        out.append((word[:split], word[split:]))
    return out


# The ten most common surnames first; they get most of the weight, as in life.
SURNAMES = _pairs(
    "王wang 李li 张zhang 刘liu 陈chen 杨yang 黄huang 赵zhao 吴wu 周zhou 徐xu 孙sun 马ma "
    "朱zhu 胡hu 郭guo 何he 高gao 林lin 罗luo 郑zheng 梁liang 谢xie 宋song 唐tang 韩han "
    "冯feng 邓deng 曹cao 彭peng"
)
SURNAME_WEIGHTS = [8 if i < 10 else 2 for i in range(len(SURNAMES))]
GIVEN = _pairs(
    "伟wei 芳fang 娜na 敏min 静jing 丽li 强qiang 磊lei 军jun 洋yang 勇yong 艳yan 杰jie "
    "娟juan 涛tao 明ming 超chao 秀xiu 霞xia 平ping 刚gang 英ying 华hua 建jian 文wen 玉yu "
    "兰lan 志zhi 红hong 海hai 鹏peng 宇yu 浩hao 晨chen 欣xin 怡yi 婷ting 子zi 涵han 思si "
    "雨yu 博bo 俊jun 佳jia 琳lin 梓zi 轩xuan 慧hui 颖ying 凯kai"
)
FIRST_NAMES = _words(
    "James Mary John Patricia Robert Jennifer Michael Linda David Elizabeth William Susan "
    "Richard Jessica Joseph Sarah Thomas Karen Daniel Lisa Matthew Nancy Anthony Emily Mark "
    "Emma Steven Olivia Paul Sophia Andrew Grace Joshua Chloe Kevin Hannah Brian Laura Ryan "
    "Rachel Jacob Megan Eric Amy Jason Anna Adam Julia Peter Kate Sam Nora Alex Zoe"
)
LAST_NAMES = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Wilson Anderson Taylor Thomas "
    "Moore Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young Allen King "
    "Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans "
    "Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson "
    "Reed Bailey Bell Kelly Howard Ward Cox Foster Hughes Price"
)

BRAND_CHARS = _pairs(
    "华hua 信xin 中zhong 科ke 腾teng 达da 鼎ding 盛sheng 恒heng 通tong 宏hong 远yuan 金jin "
    "桥qiao 瑞rui 丰feng 天tian 成cheng 博bo 创chuang 东dong 方fang 永yong 泰tai 嘉jia 禾he "
    "海hai 鸿hong 银yin 汇hui 锦jin 世shi 航hang 富fu 万wan 象xiang 星xing 云yun 帆fan 启qi "
    "明ming 润run 泽ze 卓zhuo 越yue 安an 德de 凯kai 源yuan 众zhong 诚cheng 优you 辉hui 智zhi "
    "联lian 拓tuo"
)
# (Chinese city, pinyin, area code, subscriber digits): company landlines are valid numbers.
CITIES = [
    ("北京", "beijing", "10", 8),
    ("上海", "shanghai", "21", 8),
    ("广州", "guangzhou", "20", 8),
    ("深圳", "shenzhen", "755", 8),
    ("杭州", "hangzhou", "571", 8),
    ("成都", "chengdu", "28", 8),
    ("南京", "nanjing", "25", 8),
    ("武汉", "wuhan", "27", 8),
    ("西安", "xian", "29", 8),
    ("苏州", "suzhou", "512", 8),
    ("天津", "tianjin", "22", 8),
    ("重庆", "chongqing", "23", 8),
    ("厦门", "xiamen", "592", 7),
    ("青岛", "qingdao", "532", 8),
    ("长沙", "changsha", "731", 8),
    ("宁波", "ningbo", "574", 8),
    ("合肥", "hefei", "551", 8),
    ("郑州", "zhengzhou", "371", 8),
    ("大连", "dalian", "411", 8),
    ("无锡", "wuxi", "510", 8),
]
# (Chinese industry word, English industry, domain word)
CN_INDUSTRIES = [
    ("科技", "Technology", "tech"),
    ("贸易", "Trading", "trade"),
    ("实业", "Industrial", "group"),
    ("网络", "Internet", "net"),
    ("电子", "Electronics", "elec"),
    ("医疗器械", "Medical", "med"),
    ("物流", "Logistics", "logistics"),
    ("建材", "Construction", "build"),
    ("食品", "Food", "food"),
    ("教育科技", "Education", "edu"),
    ("环保", "Environmental", "eco"),
    ("新能源", "Energy", "energy"),
    ("信息技术", "Technology", "it"),
    ("机械", "Machinery", "machinery"),
    ("咨询", "Consulting", "consult"),
]
EN_BRANDS = _words(
    "Acme Northwind Summit Pioneer Evergreen Silverline Redwood Harbor Granite Lakeside Pinnacle "
    "Atlas Beacon Cascade Crescent Falcon Frontier Horizon Ironwood Keystone Liberty Maple "
    "Meridian Oakridge Orion Pacific Paragon Prairie Quantum Riverside Sterling Sunrise Titan "
    "Vanguard Vertex Westfield Willow Zenith Apex Bluewater Cedar Copper Everest Hudson Juniper "
    "Legacy Nova Aurora Bayside Brightstone Clearwater Coastal Delta Eagle Fairview Greenfield "
    "Highland Lighthouse Magnolia Northstar Oakwood Pinewood Redstone Seaside Skyline Stonebridge "
    "Trident Union Valley Windmill Yellowstone Blackrock Crystal Diamond Emerald Fulcrum Golden"
)
EN_INDUSTRIES = [
    ("Systems", "Technology"),
    ("Logistics", "Logistics"),
    ("Software", "Technology"),
    ("Foods", "Food"),
    ("Medical", "Medical"),
    ("Manufacturing", "Industrial"),
    ("Analytics", "Technology"),
    ("Consulting", "Consulting"),
    ("Energy", "Energy"),
    ("Retail", "Retail"),
    ("Labs", "Research"),
    ("Networks", "Internet"),
    ("Supply", "Trading"),
    ("Devices", "Electronics"),
    ("Partners", "Consulting"),
    ("Holdings", "Finance"),
    ("Engineering", "Machinery"),
    ("Media", "Media"),
    ("Health", "Medical"),
    ("Capital", "Finance"),
]
EN_SUFFIXES = ("Ltd", "Inc", "LLC", "Group", "Corp.", "Co.", "Holdings", "Partners")
# (city, state, area codes valid for it)
US_CITIES = [
    ("New York", "NY", (212, 646, 718, 917)),
    ("San Francisco", "CA", (415, 628)),
    ("San Jose", "CA", (408, 650)),
    ("Los Angeles", "CA", (213, 310, 323)),
    ("Chicago", "IL", (312, 773)),
    ("Boston", "MA", (617, 857)),
    ("Seattle", "WA", (206, 425)),
    ("Austin", "TX", (512, 737)),
    ("Houston", "TX", (713, 832)),
    ("Dallas", "TX", (214, 469)),
    ("Denver", "CO", (303, 720)),
    ("Atlanta", "GA", (404, 678)),
    ("Miami", "FL", (305, 786)),
    ("Phoenix", "AZ", (602, 480)),
    ("Portland", "OR", (503,)),
    ("Nashville", "TN", (615,)),
    ("Washington", "DC", (202,)),
    ("Philadelphia", "PA", (215, 267)),
    ("Detroit", "MI", (313,)),
    ("Minneapolis", "MN", (612,)),
]
# Mobile prefixes phonenumbers accepts as valid Chinese mobiles.
CN_MOBILE = (
    [f"13{d}" for d in range(10)]
    + ["150", "151", "152", "153", "155", "156", "157", "158", "159"]
    + [f"18{d}" for d in range(10)]
)
CN_MAIL = ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com")
EN_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com")
CN_TITLES = (
    "总经理",
    "副总经理",
    "销售经理",
    "采购经理",
    "技术总监",
    "财务总监",
    "市场专员",
    "工程师",
    "项目经理",
    "行政主管",
    "董事长",
    "运营总监",
)
EN_TITLES = (
    "CEO",
    "CTO",
    "CFO",
    "VP Sales",
    "Purchasing Manager",
    "Sales Director",
    "Office Manager",
    "Engineer",
    "Project Manager",
    "Operations Director",
    "Marketing Manager",
    "IT Manager",
)
TAGS = (
    "VIP",
    "重点客户",
    "潜在客户",
    "老客户",
    "展会",
    "partner",
    "reseller",
    "newsletter",
    "enterprise",
    "smb",
    "华东",
    "华南",
    "west-coast",
    "renewal",
)
SOURCES = (
    "展会",
    "官网",
    "客户推荐",
    "电话营销",
    "trade show",
    "website",
    "referral",
    "cold call",
    "LinkedIn",
    "partner",
)

CN_PRODUCTS = (
    "ERP 升级",
    "年度服务合同",
    "CRM 实施",
    "设备采购",
    "培训服务",
    "云服务订阅",
    "数据中心扩容",
    "安全审计",
)
EN_PRODUCTS = (
    "Annual license",
    "Hardware refresh",
    "Support renewal",
    "Pilot project",
    "Consulting package",
    "Cloud subscription",
    "Data migration",
    "Security audit",
)
CN_LOST = ("价格太高", "选择了竞争对手", "预算取消", "需求变更", "客户无回应")
EN_LOST = ("Price too high", "Chose a competitor", "Budget cut", "No decision", "Went silent")
CN_NOTES = (
    "讨论了报价，客户需要内部审批",
    "客户对新版本很感兴趣，约定下周演示",
    "确认了交付时间",
    "客户反馈上次服务很满意",
    "需要补充技术方案",
    "客户询问付款方式",
    "对方正在比较几家供应商",
    "已发送合同草稿",
)
EN_NOTES = (
    "Discussed the quote; needs internal approval",
    "Interested in the new version; demo next week",
    "Confirmed the delivery date",
    "Happy with the last service visit",
    "Needs a technical proposal",
    "Asked about payment terms",
    "Comparing several vendors",
    "Sent the draft contract",
)
CN_TASKS = (
    "回访{name}",
    "给{name}发送报价",
    "与{name}安排产品演示",
    "跟进{name}的合同",
    "提醒{name}续约",
)
EN_TASKS = (
    "Follow up with {name}",
    "Send quote to {name}",
    "Schedule a demo with {name}",
    "Chase the contract with {name}",
    "Renewal reminder for {name}",
)
# (kind, weight): calls dominate a field rep's day.
ACTIVITY_KINDS = (("call", 60), ("email", 15), ("meeting", 10), ("note", 10), ("visit", 5))
CALL_OUTCOMES = (
    ("connected", 60),
    ("no_answer", 20),
    ("busy", 7),
    ("voicemail", 10),
    ("wrong_number", 3),
)


@dataclass
class DemoSummary:
    """What `generate_demo` wrote. `rejected` counts generated contacts that validation
    refused (none expected: a non-zero value is a generator bug, not lost data)."""

    companies: int = 0
    contacts: int = 0
    deals: int = 0
    activities: int = 0
    tasks: int = 0
    rejected: int = 0


@dataclass(frozen=True)
class _Company:
    id: str
    name: str
    short: str  # for deal titles: "华信科技", "Acme Systems"
    domain: str
    chinese: bool


@dataclass
class _Person:
    chinese: bool
    name: str
    phone: str
    owner: str
    company: _Company | None
    row: dict[str, Any] = field(repr=False, default_factory=dict)


@dataclass(frozen=True)
class _StageInfo:
    id: str
    pipeline_id: str
    is_won: bool
    is_lost: bool


def generate_demo(
    store: Store,
    contacts: int,
    *,
    seed: int = 1,
    progress: Progress | None = None,
    now: datetime | None = None,
    language: str = "en",
    activities_per_contact: float = 10.0,
) -> DemoSummary:
    """Add a seeded demo dataset of `contacts` people (and ~contacts/8 companies).

    Args:
        seed: the same seed (and `now`) gives the same content.
        progress: called with (contacts done, total) after each chunk.
        now: the moment the history leads up to; defaults to the current time.
        language: language of the default pipeline's stage names, if it is created now.
        activities_per_contact: mean number of activities per person (benchmarks
            use 1 to get ~1M activities on 1M contacts without a 10M-row build).
    Raises:
        ValidationError: `contacts` out of range.
    """
    if not 0 <= contacts <= MAX_CONTACTS:
        raise ValidationError(
            "contacts",
            f"contacts must be between 0 and {MAX_CONTACTS:,}.",
            code="validation.range",
            minimum=0,
            maximum=MAX_CONTACTS,
        )
    gen = _Generator(random.Random(seed), _aware(now), activities_per_contact)
    summary = DemoSummary()
    stages = _pipeline_stages(store, language) if contacts else []
    companies = _create_companies(store, gen, contacts // 8 if contacts >= 8 else min(contacts, 1))
    summary.companies = len(companies)
    if progress:
        progress(0, contacts)
    done = 0
    while done < contacts:
        size = min(CHUNK, contacts - done)
        people = [gen.person(companies) for _ in range(size)]
        pairs = _create_people(store, people, summary)
        with store.write() as tx:
            _write_related(tx, gen, pairs, stages, summary)
        done += size
        if progress:
            progress(done, contacts)
    return summary


def _aware(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    return now if now.tzinfo else now.replace(tzinfo=UTC)


def _pipeline_stages(store: Store, language: str) -> list[_StageInfo]:
    """The default pipeline's stages in order (created by the pipelines service if missing)."""
    pipeline_id = ensure_default_pipeline(store, language).value
    with store.read() as conn:
        rows = stage_rows(conn, pipeline_id)
    return [_StageInfo(r["id"], r["pipeline_id"], r["is_won"], r["is_lost"]) for r in rows]


def _create_companies(store: Store, gen: _Generator, count: int) -> list[_Company]:
    made: list[_Company] = []
    while len(made) < count:
        size = min(CHUNK, count - len(made))
        batch = [gen.company() for _ in range(size)]
        rows = [clean_company(values, creating=True) for _, values in batch]
        with store.write() as tx:
            ensure_tags(tx, {t for r in rows for t in r.get("tags") or ()})
            ids = tx.insert_many(Company, rows)
        made.extend(_Company(cid, *info) for cid, (info, _) in zip(ids, batch, strict=True))
    return made


def _create_people(
    store: Store, people: list[_Person], summary: DemoSummary
) -> list[tuple[_Person, str]]:
    """Write the contacts; returns (person, contact id) for those validation accepted."""
    result = create_contacts(store, [p.row for p in people], batch_size=CHUNK).value
    rejected = {number - 1 for number, _ in result.errors}
    accepted = [p for index, p in enumerate(people) if index not in rejected]
    summary.contacts += len(result.ids)
    summary.rejected += len(rejected)
    return list(zip(accepted, result.ids, strict=True))


def _write_related(
    tx: WriteTx,
    gen: _Generator,
    pairs: list[tuple[_Person, str]],
    stages: Sequence[_StageInfo],
    summary: DemoSummary,
) -> None:
    deals: list[Row] = []
    history: list[Row] = []
    activities: list[Row] = []
    tasks: list[Row] = []
    for person, contact_id in pairs:
        person_deals = gen.deals(person, contact_id, stages)
        for deal, moves in person_deals:
            deals.append(deal)
            history.extend(moves)
        activities.extend(gen.activities(person, contact_id, [d for d, _ in person_deals]))
        tasks.extend(gen.tasks(person, contact_id, [d for d, _ in person_deals]))
    tx.insert_many(Deal, deals)
    tx.insert_many(DealStageHistory, history)
    tx.insert_many(Activity, activities)
    tx.insert_many(Task, tasks)
    _touch_last_activity(tx, activities)
    summary.deals += len(deals)
    summary.activities += len(activities)
    summary.tasks += len(tasks)


def _touch_last_activity(tx: WriteTx, activities: list[Row]) -> None:
    """Fill the derived `last_activity_at` of contacts and deals (stale marks), as
    `touch_activity` does per call, but with one executemany per table."""
    for model, key in ((Contact, "contact_id"), (Deal, "deal_id")):
        latest: dict[str, datetime] = {}
        for row in activities:
            owner_id = row.get(key)
            if owner_id and (owner_id not in latest or latest[owner_id] < row["occurred_at"]):
                latest[owner_id] = row["occurred_at"]
        if latest:
            table = table_of(model)
            stmt = (
                update(table)
                .where(table.c.id == bindparam("rid"))
                .values(last_activity_at=bindparam("at"))
            )
            tx.conn.execute(stmt, [{"rid": rid, "at": at} for rid, at in latest.items()])


class _Generator:
    """All random choices, drawn in a fixed order from one seeded generator."""

    def __init__(self, rng: random.Random, now: datetime, activities_mean: float = 10.0):
        self.rng = rng
        self.now = now
        self.activities_mean = activities_mean
        self._midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        self.company_names: set[str] = set()
        self._surname_cum = _cumulative(SURNAME_WEIGHTS)
        self._kind_cum = _cumulative([w for _, w in ACTIVITY_KINDS])
        self._outcome_cum = _cumulative([w for _, w in CALL_OUTCOMES])

    # -- companies ----------------------------------------------------------
    def company(self) -> tuple[tuple[str, str, str, bool], dict[str, Any]]:
        """((name, short name, domain, chinese), values for clean_company)."""
        chinese = self.rng.random() < CHINESE_SHARE
        name, short, domain, industry, city, phone = (
            self._cn_company() if chinese else self._en_company()
        )
        values = {
            "name": name,
            "industry": industry,
            "website": f"https://www.{domain}",
            "phone": phone,
            "city": city,
            "country": "CN" if chinese else "US",
            "grade": self.rng.choice("AABBBCC"),
            "owner": self.rng.choice(OWNERS),
            "tags": self.rng.sample(TAGS, self.rng.choice((0, 0, 1, 1, 2))),
        }
        return (name, short, domain, chinese), values

    def _cn_company(self) -> tuple[str, str, str, str, str, str]:
        city, _pinyin, area, digits = self.rng.choice(CITIES)
        for _ in range(50):
            (c1, p1), (c2, p2) = self.rng.sample(BRAND_CHARS, 2)
            word, industry, domain_word = self.rng.choice(CN_INDUSTRIES)
            name = f"{city}{c1}{c2}{word}有限公司"
            if self._unique(name):
                break
        else:  # the name space is nearly used up: number the branch office
            name = f"{name[:-4]}第{len(self.company_names)}分公司"
            self._unique(name)
        phone = f"+86{area}{self.rng.choice('56')}{self._digits(digits - 1)}"
        return name, f"{c1}{c2}{word}", f"{p1}{p2}{domain_word}.com.cn", industry, city, phone

    def _en_company(self) -> tuple[str, str, str, str, str, str]:
        city, _state, areas = self.rng.choice(US_CITIES)
        for _ in range(50):
            short, industry = self._en_company_name()
            name = f"{short} {self.rng.choice(EN_SUFFIXES)}"
            if self._unique(name):
                break
        else:
            name = f"{name} {len(self.company_names)}"
            self._unique(name)
        domain = "".join(c for c in short.lower() if c.isalnum()) + ".com"
        return name, short, domain, industry, city, self._us_number(areas)

    def _en_company_name(self) -> tuple[str, str]:
        pattern = self.rng.randrange(4)
        word, industry = self.rng.choice(EN_INDUSTRIES)
        if pattern == 0:
            return f"{self.rng.choice(EN_BRANDS)} {word}", industry
        if pattern == 1:
            first, second = self.rng.sample(EN_BRANDS, 2)
            return f"{first} {second}", industry
        if pattern == 2:
            first, second = self.rng.sample(LAST_NAMES, 2)
            return f"{first} & {second}", industry
        return f"{self.rng.choice(LAST_NAMES)} {word}", industry

    def _unique(self, name: str) -> bool:
        if name in self.company_names:
            return False
        self.company_names.add(name)
        return True

    # -- people -------------------------------------------------------------
    def person(self, companies: Sequence[_Company]) -> _Person:
        rng = self.rng
        chinese = rng.random() < CHINESE_SHARE
        company = self._employer(companies, chinese)
        if chinese:
            name, handle = self._cn_name()
            phone = f"+86{rng.choice(CN_MOBILE)}{self._digits(8)}"
        else:
            name, handle = self._en_name()
            phone = self._us_number(rng.choice(US_CITIES)[2])
        person = _Person(chinese, name, phone, rng.choice(OWNERS), company)
        person.row = self._contact_row(person, handle)
        return person

    def _employer(self, companies: Sequence[_Company], chinese: bool) -> _Company | None:
        if not companies or self.rng.random() < 0.1:
            return None  # some contacts are private persons
        # People mostly work for companies of their own language; try a few draws.
        for _ in range(4):
            company = companies[self.rng.randrange(len(companies))]
            if company.chinese == chinese:
                return company
        return company

    def _cn_name(self) -> tuple[str, str]:
        rng = self.rng
        surname, s_py = SURNAMES[_pick(rng, self._surname_cum)]
        given = rng.sample(GIVEN, 2 if rng.random() < 0.6 else 1)
        name = surname + "".join(c for c, _ in given)
        return name, s_py + "".join(p for _, p in given)

    def _en_name(self) -> tuple[str, str]:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        return f"{first} {last}", f"{first}.{last}".lower()

    def _contact_row(self, p: _Person, handle: str) -> dict[str, Any]:
        rng = self.rng
        phones = [{"label": "mobile", "number": p.phone}]
        if rng.random() < 0.2:
            phones.append(
                {
                    "label": "work",
                    "number": (
                        f"+86{rng.choice(CN_MOBILE)}{self._digits(8)}"
                        if p.chinese
                        else self._us_number(rng.choice(US_CITIES)[2])
                    ),
                }
            )
        number = rng.randrange(100) if rng.random() < 0.3 else ""
        domain = (
            p.company.domain
            if p.company and rng.random() < 0.7
            else rng.choice(CN_MAIL if p.chinese else EN_MAIL)
        )
        row: dict[str, Any] = {
            "name": p.name,
            "company_id": p.company.id if p.company else None,
            "title": rng.choice(CN_TITLES if p.chinese else EN_TITLES),
            "phones": phones,
            "emails": [{"label": "work", "address": f"{handle}{number}@{domain}"}],
            "source": rng.choice(SOURCES),
            "grade": rng.choice(("A", "B", "B", "C", "C", None)),
            "tags": rng.sample(TAGS, rng.choice((0, 1, 1, 2, 3))),
            "owner": p.owner,
            "consent_email": rng.random() < 0.6,
            "consent_call": rng.random() < 0.8,
            "consent_sms": rng.random() < 0.3,
        }
        if rng.random() < 0.3:
            row["birthday"] = date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
        return row

    # -- deals ----------------------------------------------------------------
    def deals(
        self, p: _Person, contact_id: str, stages: Sequence[_StageInfo]
    ) -> list[tuple[Row, list[Row]]]:
        """A person's deals (~0.35 each), each with its stage history."""
        rng = self.rng
        count = 0 if rng.random() >= 0.3 else (2 if rng.random() < 0.15 else 1)
        open_stages = [s for s in stages if not (s.is_won or s.is_lost)]
        if not open_stages:
            return []
        return [self._deal(p, contact_id, stages, open_stages) for _ in range(count)]

    def _deal(
        self,
        p: _Person,
        contact_id: str,
        stages: Sequence[_StageInfo],
        open_stages: list[_StageInfo],
    ) -> tuple[Row, list[Row]]:
        rng = self.rng
        created = self._past(HISTORY_DAYS, p.chinese)
        status, path = self._stage_path(stages, open_stages)
        deal_id = new_id()
        moves: list[Row] = []
        when = created
        for previous, stage in zip([None, *path], path, strict=False):
            moves.append(
                {
                    "deal_id": deal_id,
                    "from_stage_id": previous.id if previous else None,
                    "to_stage_id": stage.id,
                    "moved_at": when,
                    "moved_by": p.owner,
                }
            )
            when = min(when + timedelta(days=rng.uniform(1, 20)), self.now)
        entered = moves[-1]["moved_at"]
        closed = entered if status != "open" else None
        company = p.company
        product = rng.choice(CN_PRODUCTS if p.chinese else EN_PRODUCTS)
        lost_reason = rng.choice(CN_LOST if p.chinese else EN_LOST) if status == "lost" else None
        deal: Row = {
            "id": deal_id,
            "title": f"{company.short if company else p.name} — {product}",
            "pipeline_id": path[-1].pipeline_id,
            "stage_id": path[-1].id,
            "company_id": company.id if company else None,
            "contact_id": contact_id,
            "value_cents": rng.randrange(5_000, 500_000) * 100,
            "currency": "CNY" if p.chinese else "USD",
            "expected_close": (closed or created + timedelta(days=rng.randint(20, 150))).date(),
            "status": status,
            "owner": p.owner,
            "stage_entered_at": entered,
            "closed_at": closed,
            "lost_reason": lost_reason,
            "tags": [],
            "created_at": created,
        }
        return deal, moves

    def _stage_path(
        self, stages: Sequence[_StageInfo], open_stages: list[_StageInfo]
    ) -> tuple[str, list[_StageInfo]]:
        """(status, the stages the deal went through): ~20% won, ~15% lost, the rest open."""
        roll = self.rng.random()
        # Open deals thin out towards the later stages, as in a funnel.
        reached = open_stages[: 1 + min(int(self.rng.expovariate(0.8)), len(open_stages) - 1)]
        won = [s for s in stages if s.is_won][:1]
        lost = [s for s in stages if s.is_lost][:1]
        # A pipeline without a won (lost) stage gets no won (lost) deals: status follows stage.
        if roll < 0.2 and won:
            return "won", [*open_stages, *won]
        if 0.2 <= roll < 0.35 and lost:
            return "lost", [*reached, *lost]
        return "open", reached

    # -- activities and tasks ----------------------------------------------------
    def activities(self, p: _Person, contact_id: str, deals: list[Row]) -> list[Row]:
        """About `activities_mean` activities over the last months, calls most of them."""
        rows = []
        low, high = int(self.activities_mean * 0.5), int(self.activities_mean * 1.5 + 0.5)
        for _ in range(self.rng.randint(low, high)):
            rows.append(self._activity(p, contact_id, deals))
        return rows

    def _activity(self, p: _Person, contact_id: str, deals: list[Row]) -> Row:
        rng = self.rng
        kind = ACTIVITY_KINDS[_pick(rng, self._kind_cum)][0]
        row: Row = {
            "kind": kind,
            "occurred_at": self._past(HISTORY_DAYS, p.chinese),
            "contact_id": contact_id,
            "company_id": p.company.id if p.company else None,
            "deal_id": rng.choice(deals)["id"] if deals and rng.random() < 0.5 else None,
            "owner": p.owner,
            "subject": None,
            "notes": None,
            "duration_s": None,
            "direction": None,
            "outcome": None,
            "phone": None,
        }
        if rng.random() < 0.5:
            row["notes"] = rng.choice(CN_NOTES if p.chinese else EN_NOTES)
        if kind == "call":
            outcome = CALL_OUTCOMES[_pick(rng, self._outcome_cum)][0]
            row.update(
                direction=rng.choice(("outbound", "outbound", "inbound")),
                outcome=outcome,
                phone=p.phone,
                duration_s=rng.randint(30, 1800) if outcome == "connected" else 0,
            )
        else:
            row["subject"] = self._subject(kind, p)
            if kind in ("meeting", "visit"):
                row["duration_s"] = rng.choice((1800, 3600, 5400))
        row["created_at"] = row["occurred_at"]
        return row

    def _subject(self, kind: str, p: _Person) -> str:
        if p.chinese:
            return {
                "email": "发送资料",
                "meeting": "需求沟通会",
                "visit": "上门拜访",
                "note": "备注",
            }[kind]
        return {
            "email": "Sent brochure",
            "meeting": "Requirements call",
            "visit": "On-site visit",
            "note": "Note",
        }[kind]

    def tasks(self, p: _Person, contact_id: str, deals: list[Row]) -> list[Row]:
        """~0.6 tasks per person; open ones due in the past are overdue."""
        rng = self.rng
        roll = rng.random()
        count = 0 if roll < 0.5 else 1 if roll < 0.9 else 2
        rows = []
        for _ in range(count):
            due = (self.now + timedelta(days=rng.uniform(-20, 30))).replace(second=0)
            done = rng.random() < (0.6 if due < self.now else 0.1)
            template = rng.choice(CN_TASKS if p.chinese else EN_TASKS)
            rows.append(
                {
                    "title": template.format(name=p.name),
                    "due_at": due,
                    "remind_at": due - timedelta(hours=1) if rng.random() < 0.3 else None,
                    "done": done,
                    "done_at": min(due, self.now) if done else None,
                    "contact_id": contact_id,
                    "company_id": p.company.id if p.company else None,
                    "deal_id": rng.choice(deals)["id"] if deals and rng.random() < 0.5 else None,
                    "owner": p.owner,
                    "created_at": due - timedelta(days=rng.randint(1, 30)),
                }
            )
        return rows

    # -- small draws ---------------------------------------------------------------
    def _past(self, days: int, chinese: bool) -> datetime:
        """A business-hours moment in the last `days` days (Beijing or US Eastern hours).

        Built from one float per draw: ~10 of these per contact make it a hot path.
        """
        day = 1 + int(self.rng.random() * days)
        start = 3_600 if chinese else 13 * 3_600  # 09:00 in Beijing or New York, in UTC
        seconds = start + int(self.rng.random() * 9 * 3_600)
        return min(self._midnight - timedelta(days=day, seconds=-seconds), self.now)

    def _digits(self, count: int) -> str:
        return f"{int(self.rng.random() * 10**count):0{count}d}"

    def _us_number(self, areas: Sequence[int]) -> str:
        # Exchanges are [2-9]XX; N11 and 555 are not assignable.
        exchange = self.rng.randint(200, 999)
        while exchange % 100 == 11 or exchange == 555:
            exchange = self.rng.randint(200, 999)
        return f"+1{self.rng.choice(areas)}{exchange}{self._digits(4)}"


def _cumulative(weights: Sequence[int]) -> list[int]:
    total, out = 0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _pick(rng: random.Random, cumulative: list[int]) -> int:
    """Index drawn by weight; `rng.choices` per call costs more than this bisect."""
    return bisect_right(cumulative, int(rng.random() * cumulative[-1]))
