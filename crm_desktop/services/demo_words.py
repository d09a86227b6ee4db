"""Word lists of the demo dataset: names, companies, titles, notes (Chinese and English)."""

from __future__ import annotations

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
