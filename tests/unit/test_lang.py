from ragreason.lang import detect_lang


def test_detect_lang():
    assert detect_lang("张三是李四的父亲。") == "zh"
    assert detect_lang("Bob 是 Alice 的父亲，请问谁是 Alice 的父亲？") == "zh"
    assert detect_lang("Bob is the father of Alice.") == "en"
    assert detect_lang("The word 父亲 means father in Chinese.") == "en"
