"""Synthetic trainees: names, GB 11643 ID numbers, phones, training classes, results and
employment — the rows of the 培训人员名单 and the 就业跟踪情况表.

Everything draws from a `random.Random` handed in by the caller, so a dossier's people
depend only on the seed. No real person is described: names are random combinations,
ID numbers are valid in form (region, birth date, parity, MOD 11-2) but random.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段钱汤尹黎易常武乔贺"
    "赖龚文关佟付隋矫宫鞠曲鲁齐包单"
)
# Weighted: the first surnames are the common ones.
SURNAME_WEIGHTS = [max(1.0, 12.0 - i * 0.25) for i in range(len(SURNAMES))]
GIVEN_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帅旭东峰龙阳林博彬志海新成亮宏立国庆春晓铁柱"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀英华玲红梅燕萍雪琳晶颖慧婷莹倩丹洁佳欣月凤兰桂玉春秋冬琴淑珍凤荣"

# Liaoning districts (GB/T 2260), with a few neighbouring provinces' for migrants.
LIAONING_REGIONS = {
    "沈阳市": ["210102", "210103", "210104", "210105", "210106", "210111", "210112", "210113", "210114", "210181"],
    "大连市": ["210202", "210203", "210204", "210211", "210212", "210213", "210281", "210283"],
    "鞍山市": ["210302", "210303", "210304", "210311", "210381"],
    "抚顺市": ["210402", "210403", "210404", "210411", "210421"],
    "本溪市": ["210502", "210503", "210504", "210521"],
    "丹东市": ["210602", "210603", "210604", "210681", "210682"],
    "锦州市": ["210702", "210703", "210711", "210781", "210782"],
    "营口市": ["210802", "210803", "210804", "210811", "210881", "210882"],
    "阜新市": ["210902", "210903", "210904", "210921", "210922"],
    "辽阳市": ["211002", "211003", "211004", "211011", "211081"],
    "盘锦市": ["211102", "211103", "211104", "211122"],
    "铁岭市": ["211202", "211204", "211221", "211223", "211281", "211282"],
    "朝阳市": ["211302", "211303", "211321", "211322", "211381", "211382"],
    "葫芦岛市": ["211402", "211403", "211404", "211421", "211481"],
}
MIGRANT_REGIONS = ["220102", "220104", "220581", "230102", "230103", "150102", "150404", "130203"]

PHONE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                  "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "182", "183", "185",
                  "186", "187", "188", "189", "199"]

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """GB 11643 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    return ID_CHECK[total % 11]


def make_id(rng: random.Random, region: str, birth: dt.date, male: bool, seqs: list[int] | None = None) -> str:
    seq = rng.choice(seqs) if seqs else rng.randrange(0, 100)
    parity = rng.choice([1, 3, 5, 7, 9] if male else [0, 2, 4, 6, 8])
    first17 = f"{region}{birth:%Y%m%d}{seq:02d}{parity}"
    return first17 + id_check_digit(first17)


def id_is_valid(idn: str) -> bool:
    return len(idn) == 18 and idn[:17].isdigit() and id_check_digit(idn[:17]) == idn[17]


@dataclass
class Person:
    name: str
    male: bool
    id_number: str
    phone: str
    birth: dt.date
    occupation: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    passed: bool = True
    certificate: str = ""
    employed: bool = False
    employed_status: str = "未就业"
    employer: str = ""
    employment_date: dt.date | None = None
    # Free-form marks set by planted defects (e.g. "gender_flip"), for the truth file.
    marks: list[str] = field(default_factory=list)

    @property
    def gender(self) -> str:
        return "男" if self.male else "女"


def random_name(rng: random.Random, male: bool) -> str:
    surname = rng.choices(SURNAMES, weights=SURNAME_WEIGHTS)[0]
    pool = GIVEN_MALE if male else GIVEN_FEMALE
    given = rng.choice(pool) if rng.random() < 0.3 else rng.choice(pool) + rng.choice(pool)
    return surname + given


def random_phone(rng: random.Random) -> str:
    return rng.choice(PHONE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"


def random_person(rng: random.Random, city: str, year: int, female_share: float, used_ids: set[str],
                  seqs: list[int] | None = None) -> Person:
    """`seqs`: the values digits 15–16 may take in this dossier. Dossiers get disjoint sets so
    that no two of them share a trainee by chance (only a planted batch defect may)."""
    male = rng.random() >= female_share
    regions = LIAONING_REGIONS.get(city, LIAONING_REGIONS["沈阳市"])
    region = rng.choice(MIGRANT_REGIONS) if rng.random() < 0.06 else rng.choice(regions)
    age = int(rng.triangular(18, 58, 36))
    birth = dt.date(year - age, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))
    while True:
        idn = make_id(rng, region, birth, male, seqs)
        if idn not in used_ids:
            used_ids.add(idn)
            break
    return Person(random_name(rng, male), male, idn, random_phone(rng), birth)


EMPLOYERS = {
    "家政": ["{city}鑫诚家政服务有限公司", "{city}好帮手家庭服务有限公司", "{city}康乐养老院", "{city}福寿园养老中心",
             "{city}爱心母婴护理中心", "个人雇主", "{city}馨悦月子会所"],
    "制造": ["{city}重型机械有限公司", "{city}华晨零部件有限公司", "{city}船舶配套有限公司", "{city}北方钢构有限公司",
             "{city}金属结构厂", "{city}长城焊接工程有限公司"],
    "农业": ["自主创业（种植）", "{city}绿源果蔬专业合作社", "{city}丰收农机合作社", "家庭农场", "{city}金穗农业发展有限公司"],
    "电商": ["{city}云尚电子商务有限公司", "{city}优品直播基地", "自主创业（网店）", "{city}快捷物流有限公司", "灵活就业"],
    "手工": ["{city}玛瑙精品雕刻厂", "自主创业（工作室）", "{city}非遗文化传承中心", "{city}工艺品有限公司"],
    "企业": ["{unit}"],
}


@dataclass
class ClassPlan:
    occupation: str
    start: dt.date
    end: dt.date


def plan_classes(rng: random.Random, year: int, n: int, occupations: list[str]) -> list[tuple[ClassPlan, int]]:
    """Splits n trainees into classes (期) of 25–70, spread over the year, each 7–30 days."""
    sizes = []
    left = n
    while left > 0:
        size = min(left, rng.randint(25, 70))
        sizes.append(size)
        left -= size
    classes = []
    span = 330
    for i, size in enumerate(sizes):
        day = int(i * span / max(1, len(sizes))) + rng.randint(0, 10)
        start = dt.date(year, 1, 8) + dt.timedelta(days=day)
        end = start + dt.timedelta(days=rng.randint(7, 30))
        if end.year != year:
            end = dt.date(year, 12, 28)
        classes.append((ClassPlan(occupations[i % len(occupations)], start, end), size))
    return classes


def fill_year(rng: random.Random, people: list[Person], year: int, occupations: list[str], pass_rate: float,
              employ_rate: float, employer_kind: str, city: str, unit: str, late_share: float = 0.0) -> None:
    """Assigns classes, results, certificates and employment to `people` for `year`.

    `pass_rate`/`employ_rate` are targets; the exact counts are what the rows end up
    saying and the truth is computed from the rows afterwards. `late_share` of the
    employed find work only 8–10 months after training (so they do not count as
    employed within 6 months)."""
    idx = 0
    for plan, size in plan_classes(rng, year, len(people), occupations):
        for p in people[idx: idx + size]:
            p.occupation, p.start, p.end = plan.occupation, plan.start, plan.end
        idx += size
    n = len(people)
    n_pass = round(n * pass_rate)
    order = list(range(n))
    rng.shuffle(order)
    passed_idx = set(order[:n_pass])
    # Certificate numbers: issued with irregular gaps, in an order unrelated to the rows.
    base = rng.randrange(10**7, 9 * 10**7)
    cert_prefix = f"{rng.choice(['Y', 'S', 'Z'])}{year % 100:02d}{rng.randrange(1000, 9999)}"
    certs = []
    for _ in range(n_pass):
        base += rng.randint(2, 9)
        certs.append(f"{cert_prefix}{base:08d}")
    rng.shuffle(certs)
    for i, p in enumerate(people):
        p.passed = i in passed_idx
        p.certificate = certs.pop() if p.passed else ""
    cutoff = dt.date(2024, 1, 12)  # before the dossier is received (rules: submission 2024-01-22)
    employers = [e.format(city=city.rstrip("市"), unit=unit) for e in EMPLOYERS[employer_kind]]
    n_emp = round(n * employ_rate)
    rng.shuffle(order)
    emp_idx = set(order[:n_emp])
    for i, p in enumerate(people):
        p.employed = i in emp_idx
        if p.employed:
            assert p.end is not None
            late = p.end + dt.timedelta(days=rng.randint(245, 300))
            if rng.random() < late_share and late <= cutoff:
                p.employment_date = late
            else:
                p.employment_date = min(p.end + dt.timedelta(days=rng.randint(3, 150)), cutoff)
            p.employer = rng.choice(employers)
            p.employed_status = rng.choices(["已就业", "灵活就业", "自主创业"], [0.8, 0.12, 0.08])[0]
            if p.employer.startswith("自主创业"):
                p.employed_status = "自主创业"
        else:
            p.employment_date, p.employer = None, ""
            p.employed_status = rng.choice(["未就业", "待业"])


def employed_within(p: Person, days: int = 183) -> bool:
    return bool(p.employed and p.employment_date and p.end and (p.employment_date - p.end).days <= days)
