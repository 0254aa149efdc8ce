"""Names for the people and animals of synthetic worlds, by language and gender."""

from __future__ import annotations

import random

ZH_SURNAMES = tuple(
    "张王李赵陈刘杨黄周吴徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
ZH_GIVEN = {
    "male": ("伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "鹏", "浩", "宇", "斌", "刚", "辉", "建国",
             "志强", "俊杰", "子轩", "浩然", "文博", "天佑", "宇航", "思远", "嘉豪", "家明", "立新", "国栋",
             "晓东", "振华", "海波", "一鸣", "博文", "子豪", "建华", "明远"),
    "female": ("芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "婷", "雪", "琳", "颖", "慧", "欣怡", "雨涵",
               "梓涵", "思琪", "晓燕", "美玲", "秀英", "佳怡", "诗涵", "婉清", "心怡", "紫萱", "若曦", "雅琴",
               "春梅", "玉兰", "海燕", "丽华", "晓雯", "梦瑶", "佳琪", "静怡", "雨桐"),
}
EN_GIVEN = {
    "male": ("James", "John", "Robert", "Michael", "David", "William", "Richard", "Thomas", "Charles", "Daniel",
             "Matthew", "Anthony", "Mark", "Paul", "Steven", "Andrew", "Joshua", "Kevin", "Brian", "George",
             "Edward", "Ryan", "Jacob", "Gary", "Eric", "Jonathan", "Peter", "Henry", "Samuel", "Frank",
             "Oliver", "Harry", "Jack", "Noah", "Leo", "Oscar"),
    "female": ("Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
               "Karen", "Lisa", "Nancy", "Betty", "Sandra", "Ashley", "Emily", "Donna", "Michelle", "Carol",
               "Amanda", "Melissa", "Deborah", "Laura", "Rebecca", "Sharon", "Cynthia", "Kathleen", "Amy",
               "Anna", "Emma", "Olivia", "Grace", "Chloe", "Lucy", "Alice", "Ruth"),
}
PET_NAMES = {
    "zh": ("咪咪", "旺财", "小白", "豆豆", "球球", "花花", "大黄", "毛毛", "乐乐", "小黑", "点点", "贝贝", "团团",
           "圆圆", "皮皮", "多多", "糖糖", "妞妞"),
    "en": ("Tom", "Bella", "Max", "Luna", "Charlie", "Daisy", "Rocky", "Milo", "Coco", "Oscar", "Ruby", "Leo",
           "Bailey", "Pepper", "Simba", "Nala", "Ziggy", "Biscuit"),
}
GENDERS = ("male", "female")


class NamePool:
    """Hands out distinct names for one world."""

    def __init__(self, lang: str, rng: random.Random) -> None:
        if lang not in ("zh", "en"):
            raise ValueError(f"unknown language {lang!r}; known: zh, en")
        self.lang = lang
        self.rng = rng
        self.used: set[str] = set()

    def person(self, gender: str, surname: str | None = None) -> str:
        """A new person's name; in Chinese, ``surname`` keeps a family's surname."""
        if gender not in GENDERS:
            raise ValueError(f"unknown gender {gender!r}; known: {', '.join(GENDERS)}")
        given = ZH_GIVEN[gender] if self.lang == "zh" else EN_GIVEN[gender]
        for _ in range(200):
            if self.lang == "zh":
                name = (surname or self.surname()) + self.rng.choice(given)
            else:
                name = self.rng.choice(given)
            if name not in self.used:
                self.used.add(name)
                return name
        raise ValueError(f"ran out of distinct {gender} names for language {self.lang!r}")

    def surname(self) -> str:
        return self.rng.choice(ZH_SURNAMES)

    def people(self, n: int) -> list[str]:
        return [self.person(self.rng.choice(GENDERS)) for _ in range(n)]

    def pets(self, n: int) -> list[str]:
        free = [p for p in PET_NAMES[self.lang] if p not in self.used]
        if n > len(free):
            raise ValueError(f"asked for {n} pet names, only {len(free)} left")
        chosen = self.rng.sample(free, n)
        self.used.update(chosen)
        return chosen
