"""Check characters of GB 11643-1999 (resident ID numbers) and GB 32100-2015 (unified social credit
codes) over many generated numbers, so that every weight and every position is exercised.

The weights, alphabets and check-character rules below are copied from the standards, not imported
from the checker: a change to any of the checker's constants must make these tests fail. The
generated numbers vary every position (the fixed examples elsewhere have `00` in ID positions 15
and 16, which let those two weights change unnoticed).
"""

from __future__ import annotations

import datetime
import random

import pytest

from checker.lang import functions as fn

# --------------------------------------------------------------------------- GB 11643-1999
# Clause 7: the check character a18 satisfies sum(a_i * W_i, i = 1..18) ≡ 1 (mod 11) with
# W_i = 2^(18-i) mod 11; for i = 1..17 that is:
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# ... so the check character for sum(a_i * W_i, i = 1..17) mod 11 = 0, 1, ..., 10 is:
ID_CHECK = "10X98765432"

# Real 6-digit administrative division codes (GB/T 2260): Beijing Chaoyang, Shanghai Pudong,
# Shenzhen Nanshan, Chengdu Jinjiang and Wuhou, Guangzhou Tianhe, Hangzhou Xihu, Wuhan Jiang'an,
# Xi'an Yanta, Chongqing Yuzhong, Nanjing Xuanwu, Harbin Nangang, Urumqi Tianshan, Linyi Lanshan,
# Dongguan, Jinghong, Linxia (city), Shijiazhuang Qiaoxi, Xiamen Siming.
REGIONS = ("110105", "310115", "440305", "510104", "510107", "440106", "330106", "420102",
           "610113", "500103", "320102", "230103", "650102", "371302", "441900", "532801",
           "622901", "130104", "350203")


def _id_check(first17: str) -> str:
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def _generated_ids(count: int = 400, seed: int = 11643) -> list[str]:
    rng = random.Random(seed)
    first, last = datetime.date(1900, 1, 1), datetime.date(2025, 12, 31)
    out = []
    for _ in range(count):
        born = first + datetime.timedelta(days=rng.randrange((last - first).days + 1))
        sequence = f"{rng.randrange(1000):03d}"  # positions 15-17, all three varying
        first17 = rng.choice(REGIONS) + born.strftime("%Y%m%d") + sequence
        out.append(first17 + _id_check(first17))
    return out


GENERATED_IDS = _generated_ids()


def test_generated_ids_vary_every_position():
    """Guard of the generator itself: every position takes several values, including positions
    15 and 16, and all eleven check characters occur."""
    for i in range(18):
        assert len({n[i] for n in GENERATED_IDS}) >= 2, i
    for i in (14, 15, 16):
        assert len({n[i] for n in GENERATED_IDS}) == 10, i
    assert {n[17] for n in GENERATED_IDS} == set(ID_CHECK)


def test_generated_ids_are_valid_and_have_the_standards_check_character():
    for number in GENERATED_IDS:
        assert fn.id_check_char(number[:17]) == number[17], number
        assert fn.id_valid(number) is True, number


def test_every_single_character_change_of_a_generated_id_is_rejected():
    """Every weight is non-zero modulo the prime 11, so a changed digit always changes the sum:
    no single substitution in any position (the check character included) gives a valid number."""
    for number in GENERATED_IDS:
        for i in range(18):
            for c in ("0123456789X" if i == 17 else "0123456789"):
                if c != number[i]:
                    changed = number[:i] + c + number[i + 1:]
                    assert fn.id_valid(changed) is False, (number, changed)


def test_every_transposition_of_adjacent_different_characters_is_rejected():
    """Adjacent weights 2^k and 2^(k+1) differ modulo 11, so swapping two different adjacent
    characters (the check character included) is always detected."""
    for number in GENERATED_IDS:
        for i in range(17):
            if number[i] != number[i + 1]:
                swapped = number[:i] + number[i + 1] + number[i] + number[i + 2:]
                assert fn.id_valid(swapped) is False, (number, swapped)


# Specimens published in GB 11643-1999 itself (arithmetic by hand):
# 11010519491231002X (Beijing Chaoyang, 1949-12-31, female):
#   7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 -> X
# 440524188001010014 (Guangdong Shantou Chaoyang, 1880-01-01, male):
#   28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 -> 4
@pytest.mark.parametrize("number, born, sex", [
    ("11010519491231002X", "1949-12-31", "female"),
    ("440524188001010014", "1880-01-01", "male"),
])
def test_the_standards_own_examples(number, born, sex):
    assert fn.id_check_char(number[:17]) == number[17]
    assert fn.id_valid(number) is True
    assert fn.id_birth_date(number) == born
    assert fn.id_sex(number) == sex


# Positions 15 and 16 non-zero, worked by hand (the weights 8 and 4 of those positions matter):
# 310115 19850615 371: 21+9+0+5+8+20+2+9+48+15+0+54+10+25+24+28+2 = 280; 280 mod 11 = 5 -> 7
# 440305 20011109 596: 28+36+0+15+0+20+4+0+0+3+7+9+0+45+40+36+12 = 255; 255 mod 11 = 2 -> X
@pytest.mark.parametrize("number", ["310115198506153717", "44030520011109596X"])
def test_numbers_with_non_zero_positions_15_and_16(number):
    assert fn.id_check_char(number[:17]) == number[17]
    assert fn.id_valid(number) is True


@pytest.mark.parametrize("born", [
    "19490230",  # 30 February
    "20230229",  # 29 February in a common year
    "19000229",  # 1900 is not a leap year
    "19491331",  # month 13
    "19490010",  # month 00
    "19490431",  # 31 April
    "19491200",  # day 00
])
def test_an_impossible_birth_date_is_refused_even_with_the_right_check_character(born):
    first17 = "110105" + born + "372"
    number = first17 + _id_check(first17)
    assert fn.id_birth_date(number) is None
    assert fn.id_valid(number) is False


def test_a_lower_case_x_is_read_as_the_check_character_x():
    """The standard writes the check character as upper-case X; the checker upper-cases what it is
    given (id_valid, id_birth_date, id_sex all call .upper()), so a typed lower-case x is read as X
    and not refused for its case. An x anywhere else is still not a digit."""
    assert fn.id_valid("11010519491231002x") is True
    assert fn.id_valid("44030520011109596x") is True
    assert fn.id_birth_date("11010519491231002x") == "1949-12-31"
    assert fn.id_sex("11010519491231002x") == "female"
    assert fn.id_valid("1101051949123100x2") is False
    # the right check character is still required: 440524188001010014 ends in 4, not x
    assert fn.id_valid("44052418800101001x") is False


# --------------------------------------------------------------------------- GB 32100-2015
# Clause 4.1 / annex: 18 characters from this alphabet (no I, O, Z, S, V), values 0..30 in order.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# Weights W_i = 3^(i-1) mod 31 for positions 1..17.
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _uscc_check(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    value = 31 - total % 31
    return USCC_ALPHABET[0 if value == 31 else value]


def test_the_weights_written_here_are_powers_of_three_modulo_31():
    """A typo in this file's own table would make the tests below agree with a wrong checker."""
    assert USCC_WEIGHTS == tuple(pow(3, i, 31) for i in range(17))
    assert ID_WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))
    assert len(USCC_ALPHABET) == 31 and not set("IOZSV") & set(USCC_ALPHABET)


def _generated_codes(count: int = 300, seed: int = 32100) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        first17 = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        out.append(first17 + _uscc_check(first17))
    return out


GENERATED_CODES = _generated_codes()


def test_generated_codes_vary_every_position_over_the_whole_alphabet():
    for i in range(18):
        assert {c[i] for c in GENERATED_CODES} == set(USCC_ALPHABET), i


def test_generated_codes_are_valid_and_have_the_standards_check_character():
    for code in GENERATED_CODES:
        assert fn.uscc_check_char(code[:17]) == code[17], code
        assert fn.uscc_valid(code) is True, code


def test_every_single_character_change_of_a_generated_code_is_rejected():
    """31 is prime and no weight is 0 mod 31, so any substitution changes the sum mod 31."""
    for code in GENERATED_CODES:
        for i in range(18):
            for c in USCC_ALPHABET:
                if c != code[i]:
                    changed = code[:i] + c + code[i + 1:]
                    assert fn.uscc_valid(changed) is False, (code, changed)


# Codes as published by registered organisations (collected from public sources: national
# enterprise credit records as quoted in open-source validator test suites). Each check character
# was recomputed by hand with the rule above before it was put here (sum, sum mod 31, check):
USCC_SPECIMENS = [
    "91440300708461136T",  # 深圳市腾讯计算机系统有限公司: 966, 5 -> 26 = T
    "914403001922038216",  # 华为技术有限公司: 831, 25 -> 6
    "91110108551385082Q",  # 999, 7 -> 24 = Q
    "91330100716105852F",  # 884, 16 -> 15 = F
    "52440111MJK9980480",  # a 民办非企业单位: 2356, 0 -> 31 -> 0 (the "31 becomes 0" case)
    "92510100MA61WJ3204",  # an individual business (9 2): 1732, 27 -> 4
    "121526004609138637",  # a public institution (1 2): 1140, 24 -> 7
    "1134082855783407XL",  # a government organ (1 1): 2181, 11 -> 20 = L
    "91341000MA2N0ABGXX",  # 2854, 2 -> 29 = X
    "52610500MJU60350X1",  # 2851, 30 -> 1
]


@pytest.mark.parametrize("code", USCC_SPECIMENS)
def test_published_codes_are_valid(code):
    assert _uscc_check(code[:17]) == code[17]  # the hand computation above, repeated
    assert fn.uscc_check_char(code[:17]) == code[17]
    assert fn.uscc_valid(code) is True


def test_the_check_character_zero_comes_from_a_sum_divisible_by_31():
    # 52440111MJK998048: sum 2356 = 31 * 76, so 31 - 0 = 31, written 0 (never "31", never Y)
    assert fn.uscc_check_char("52440111MJK998048") == "0"
    assert fn.uscc_valid("52440111MJK998048Y") is False


def test_a_lower_case_code_is_read_upper_case():
    """uscc_valid upper-cases its input (as id_valid does): a code typed in lower case is the same code."""
    assert fn.uscc_valid("91440300708461136t") is True
    assert fn.uscc_valid("91341000ma2n0abgxx") is True
