"""Text normalisation shared by indexing, querying and the synonym table.

Citizens type on phones with full-width input methods, in traditional
characters (relatives in Hong Kong or Taiwan, older input settings) and with
stray spaces. ``normalize_text`` folds all of that to one form so that the
index and the query see the same characters.
"""

from __future__ import annotations

import re
import unicodedata

# Traditional (or variant) characters mapped to the simplified form, limited to
# characters that social-insurance questions use. Characters whose traditional
# form is also a distinct simplified character (乾, 著, 覆, 麵) are left out,
# because folding them would change words such as 覆盖.
_TRADITIONAL_PAIRS = (
    "險险養养醫医療疗繳缴轉转續续費费領领國国區区職职務务員员戶户證证辦办麼么請请問问"
    "齡龄歲岁與与個个帳账賬账濟济關关係系單单遷迁審审補补貼贴傷伤業业額额錢钱銀银號号"
    "碼码機机構构會会災灾殘残鑑鉴鑒鉴認认識识驗验體体檢检診诊藥药門门題题資资計计劃划"
    "標标準准線线級级檔档類类數数據据報报銷销結结異异現现實实際际點点掛挂處处稅税積积"
    "換换張张電电話话紙纸網网絡络記记錄录條条規规則则範范圍围內内優优獎奖勵励約约簽签"
    "訂订書书寫写幫帮給给說说讓让還还這这裡里裏里邊边為为們们來来時时間间開开滿满達达"
    "過过後后於于從从對对當当應应該该須须嗎吗沒没無无難难導导師师學学兒儿親亲屬属雙双"
    "婦妇歸归農农鄉乡鎮镇縣县東东濱滨莊庄軍军幹干聯联託托專专傳传頁页臉脸別别頭头態态"
    "動动狀状況况進进覈核詢询諮咨讀读錯错誤误變变舊旧遺遗損损壞坏啟启啓启設设鎖锁凍冻"
    "餘余統统籌筹靈灵經经營营勞劳僱雇傭佣離离辭辞遲迟彈弹喪丧撫抚卹恤贍赡護护長长團团"
    "隊队斷断繼继連连總总價价塊块萬万億亿幾几兩两歷历紀纪齊齐納纳廳厅廣广鍵键選选擇择"
    "項项參参議议論论複复復复雜杂發发髮发郵邮遞递終终暫暂測测試试談谈語语聲声視视頻频"
    "圖图簡简陽阳寧宁產产嬰婴衛卫佔占並并併并匯汇彙汇週周臺台颱台檯台隻只齒齿廠厂縮缩"
    "權权減减漲涨鬆松緊紧貸贷擔担負负種种訊讯驟骤紹绍卻却躍跃興兴義义緣缘細细節节撥拨"
    "罰罚惡恶聽听覺觉習习慣惯歡欢樂乐愛爱窮穷懷怀腦脑臨临熱热燒烧癥症証证帐账"
)

TRADITIONAL_TO_SIMPLIFIED: dict[str, str] = {
    _TRADITIONAL_PAIRS[i]: _TRADITIONAL_PAIRS[i + 1]
    for i in range(0, len(_TRADITIONAL_PAIRS), 2)
}

_TRANSLATION = str.maketrans(TRADITIONAL_TO_SIMPLIFIED)
_WHITESPACE = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def normalize_text(text: str) -> str:
    """Fold ``text`` to half-width, simplified, lower-case, single-spaced form.

    NFKC turns full-width letters, digits and punctuation into ASCII
    (``ＡＰＰ１２３３３？`` becomes ``APP12333?``). Spaces between two Chinese
    characters are dropped because phone users insert them at random; other
    runs of white space shrink to one space.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_TRANSLATION).lower()
    folded = _WHITESPACE.sub(" ", folded).strip()
    return _CJK_GAP.sub("", folded)
