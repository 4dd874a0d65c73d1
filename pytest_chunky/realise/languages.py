"""A phrasebook of question frames per language the default pool names.

This is template translation, not translation: each language has a few whole questions and one
frame with a slot, where the candidate's English subject goes in quotation marks (so a domain
attribute composed with a language stays checkable). A query carries a language when one of its
frames is present (`check`), a script or phrase test that also works on other generators'
prompts for the languages whose frames use common words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Phrases:
    questions: tuple[str, ...]
    frame: str  # with {s}
    check: str  # regex


W = "The query is written in "
LANGUAGES: dict[str, Phrases] = {
    W + "Malay.": Phrases(("Mengapakah langit berwarna biru?", "Bagaimanakah cara membuat roti?",
                           "Apakah punca hujan?"), "Boleh terangkan tentang «{s}»?",
                          r"\b(mengapakah|bagaimanakah|apakah|boleh terangkan)\b"),
    W + "Indonesian.": Phrases(("Mengapa langit berwarna biru?", "Bagaimana cara membuat roti?",
                                "Apa penyebab hujan?"), "Bisakah Anda menjelaskan «{s}»?",
                               r"\b(mengapa|bagaimana cara|apa penyebab|bisakah anda)\b"),
    W + "Russian.": Phrases(("Почему небо голубое?", "Как испечь хлеб?", "Что вызывает дождь?"),
                            "Можете объяснить «{s}»?", r"[а-яё]{3,}"),
    W + "Korean.": Phrases(("하늘은 왜 파란가요?", "빵은 어떻게 굽나요?", "비는 왜 내리나요?"),
                           "«{s}»에 대해 설명해 주시겠어요?", r"[\uac00-\ud7af]"),
    W + "Spanish.": Phrases(("¿Por qué el cielo es azul?", "¿Cómo se hace el pan?",
                             "¿Qué causa la lluvia?"), "¿Puedes explicarme «{s}»?",
                            r"¿|\b(por qué|cómo se|puedes explicarme)\b"),
    W + "Swahili.": Phrases(("Kwa nini anga ni la buluu?", "Ninawezaje kuoka mkate?",
                             "Mvua husababishwa na nini?"), "Unaweza kunieleza kuhusu «{s}»?",
                            r"\b(kwa nini|ninawezaje|husababishwa|unaweza kunieleza)\b"),
    W + "French.": Phrases(("Pourquoi le ciel est-il bleu ?", "Comment fait-on du pain ?",
                            "Qu'est-ce qui provoque la pluie ?"),
                           "Pouvez-vous m'expliquer « {s} » ?",
                           r"\b(pourquoi|comment fait-on|qu'est-ce qui|pouvez-vous)\b"),
    W + "German.": Phrases(("Warum ist der Himmel blau?", "Wie backt man Brot?",
                            "Was verursacht Regen?"), "Kannst du mir „{s}“ erklären?",
                           r"\b(warum ist|wie backt|was verursacht|kannst du mir)\b"),
    W + "Portuguese.": Phrases(("Por que o céu é azul?", "Como se faz pão?",
                                "O que causa a chuva?"), "Você pode me explicar «{s}»?",
                               r"\b(por que o|como se faz|o que causa|você pode)\b"),
    W + "Simplified Chinese.": Phrases(
        ("为什么天空是蓝色的？", "怎么做面包？", "下雨的原因是什么？"), "你能解释一下「{s}」吗？",
        r"[\u4e00-\u9fff]"),
    W + "Japanese.": Phrases(("なぜ空は青いのですか？", "パンはどうやって作りますか？",
                              "雨はなぜ降るのですか？"), "「{s}」について説明してもらえますか？",
                             r"[\u3040-\u30ff]"),
    W + "Arabic.": Phrases(("لماذا السماء زرقاء؟", "كيف أصنع الخبز؟", "ما الذي يسبب المطر؟"),
                           "هل يمكنك أن تشرح «{s}»؟", r"[\u0600-\u06ff]{3,}"),
    W + "Hindi.": Phrases(("आसमान नीला क्यों होता है?", "रोटी कैसे बनाते हैं?",
                           "बारिश क्यों होती है?"), "क्या आप «{s}» समझा सकते हैं?",
                          r"[\u0900-\u097f]"),
    W + "Bengali.": Phrases(("আকাশ নীল কেন?", "রুটি কীভাবে বানাতে হয়?", "বৃষ্টি কেন হয়?"),
                            "আপনি কি «{s}» ব্যাখ্যা করতে পারেন?", r"[\u0980-\u09ff]"),
    W + "Turkish.": Phrases(("Gökyüzü neden mavidir?", "Ekmek nasıl yapılır?",
                             "Yağmura ne sebep olur?"), "«{s}» konusunu açıklayabilir misin?",
                            r"\b(neden|nasıl|sebep olur|açıklayabilir)\b"),
    W + "Vietnamese.": Phrases(("Tại sao bầu trời màu xanh?", "Làm bánh mì như thế nào?",
                                "Điều gì gây ra mưa?"), "Bạn có thể giải thích «{s}» không?",
                               r"\b(tại sao|như thế nào|điều gì|giải thích)\b"),
    W + "Thai.": Phrases(("ทำไมท้องฟ้าถึงเป็นสีฟ้า", "ทำขนมปังอย่างไร", "อะไรทำให้ฝนตก"),
                         "ช่วยอธิบายเรื่อง «{s}» ได้ไหม", r"[\u0e00-\u0e7f]"),
    W + "Tagalog.": Phrases(("Bakit asul ang langit?", "Paano gumawa ng tinapay?",
                             "Ano ang sanhi ng ulan?"), "Maaari mo bang ipaliwanag ang «{s}»?",
                            r"\b(bakit|paano gumawa|ano ang sanhi|maaari mo bang)\b"),
    W + "Yoruba.": Phrases(("Kí ló dé tí ojú ọ̀run fi jẹ́ búlúù?", "Báwo ni a ṣe ń ṣe búrẹ́dì?"),
                           "Ṣé o lè ṣàlàyé «{s}»?", r"(kí ló dé|báwo ni|ṣé o lè)"),
    W + "Amharic.": Phrases(("ሰማዩ ለምን ሰማያዊ ነው?", "ዳቦ እንዴት ይጋገራል?"),
                            "ስለ «{s}» ማብራራት ትችላለህ?", r"[\u1200-\u137f]"),
    W + "Ukrainian.": Phrases(("Чому небо блакитне?", "Як спекти хліб?", "Що спричиняє дощ?"),
                              "Чи можете пояснити «{s}»?", r"[іїєґ]|(чому|спричиняє|чи можете)"),
    W + "Polish.": Phrases(("Dlaczego niebo jest niebieskie?", "Jak upiec chleb?",
                            "Co powoduje deszcz?"), "Czy możesz wyjaśnić «{s}»?",
                           r"\b(dlaczego|jak upiec|co powoduje|czy możesz)\b"),
    W + "Persian.": Phrases(("چرا آسمان آبی است؟", "چگونه نان بپزم؟"),
                            "می‌توانی «{s}» را توضیح بدهی؟", r"[پچژگ]|چرا|چگونه|توضیح"),
    W + "Urdu.": Phrases(("آسمان نیلا کیوں ہے؟", "روٹی کیسے بنتی ہے؟"),
                         "کیا آپ «{s}» سمجھا سکتے ہیں؟", r"[ےٹڈ]|کیوں|کیسے"),
    W + "Hebrew.": Phrases(("למה השמיים כחולים?", "איך אופים לחם?"), "אתה יכול להסביר את «{s}»?",
                           r"[\u0590-\u05ff]"),
    W + "Greek.": Phrases(("Γιατί ο ουρανός είναι μπλε;", "Πώς φτιάχνεται το ψωμί;"),
                          "Μπορείς να μου εξηγήσεις «{s}»;", r"[\u0370-\u03ff]"),
    W + "Italian.": Phrases(("Perché il cielo è blu?", "Come si fa il pane?",
                             "Che cosa causa la pioggia?"), "Puoi spiegarmi «{s}»?",
                            r"\b(perché|come si fa|che cosa|puoi spiegarmi)\b"),
    W + "Dutch.": Phrases(("Waarom is de lucht blauw?", "Hoe bak je brood?",
                           "Wat veroorzaakt regen?"), "Kun je «{s}» uitleggen?",
                          r"\b(waarom is|hoe bak|wat veroorzaakt|kun je)\b"),
    W + "Tamil.": Phrases(("வானம் ஏன் நீலமாக இருக்கிறது?", "ரொட்டி எப்படி செய்வது?"),
                          "«{s}» பற்றி விளக்க முடியுமா?", r"[\u0b80-\u0bff]"),
    W + "Hausa.": Phrases(("Me yasa sama take shuɗi?", "Yaya ake yin burodi?"),
                          "Za ka iya bayyana «{s}»?", r"\b(me yasa|yaya ake|za ka iya)\b"),
    W + "Javanese.": Phrases(("Kenging menapa langit werna biru?", "Piye carane gawe roti?"),
                             "Apa sampeyan bisa nerangake «{s}»?",
                             r"\b(kenging menapa|piye carane|sampeyan)\b"),
    W + "Nepali.": Phrases(("आकाश किन निलो हुन्छ?", "रोटी कसरी बनाउने?"),
                           "के तपाईं «{s}» बुझाउन सक्नुहुन्छ?", r"(किन|कसरी|तपाईं)"),
    W + "Icelandic.": Phrases(("Af hverju er himinninn blár?", "Hvernig bakar maður brauð?"),
                              "Geturðu útskýrt «{s}»?", r"\b(af hverju|hvernig|geturðu)\b"),
    W + "Welsh.": Phrases(("Pam mae'r awyr yn las?", "Sut mae pobi bara?"),
                          "Allwch chi esbonio «{s}»?", r"\b(pam mae|sut mae|allwch chi)\b"),
    W + "Zulu.": Phrases(("Kungani isibhakabhaka siluhlaza okwesibhakabhaka?",
                          "Ngingalubhaka kanjani isinkwa?"), "Ungachaza «{s}»?",
                         r"\b(kungani|kanjani|ungachaza)\b"),
    W + "Latin.": Phrases(("Cur caelum caeruleum est?", "Quomodo panis coquitur?"),
                          "Potesne «{s}» explicare?", r"\b(cur caelum|quomodo|potesne)\b"),
    W + "Esperanto.": Phrases(("Kial la ĉielo estas blua?", "Kiel oni bakas panon?"),
                              "Ĉu vi povas klarigi «{s}»?", r"\b(kial|kiel oni|ĉu vi povas)\b"),
    "The query mixes two languages within the same sentence (code-switching).": Phrases(
        ("Can you tell me por qué el cielo es azul, please?", "I need help con mi tarea de "
         "matemáticas today."), "Can you explain «{s}» por favor, porque no lo entiendo?",
        r"\b(por qué|con mi|por favor)\b.*|\b(can you|I need)\b.*\b(por|con)\b"),
    "The query is written in a non-Latin-script language transliterated into Latin letters "
    "(e.g., Hindi in Latin script).": Phrases(
        ("Aasmaan neela kyun hota hai?", "Roti kaise banate hain?"),
        "Kya aap «{s}» samjha sakte hain?", r"\b(kyun|kaise|kya aap|hota hai)\b"),
    "The query is written in the Arabic chat alphabet, using digits for some letters.": Phrases(
        ("lesh el sama 2azra2?", "kif ba3mel 5obz?"), "mumkin tshra7li «{s}»?",
        r"\b\w*[2357]\w*[a-z]\w*\b.*\?|\b(3|7|2)[a-z]"),
    "The query is written in a regional variety of English, such as Scottish or Nigerian "
    "English.": Phrases(("Ken ye tell me why the sky's sae blue?", "Abeg, how I fit bake "
                         "bread?"), "Ken ye explain «{s}» tae me?",
                        r"\b(ken ye|sae|tae me|abeg|how I fit)\b"),
    "The query is in English but asks about a word or phrase from another language.": Phrases(
        ("What does the Japanese word 'komorebi' mean?", "What does 'hygge' mean in Danish?",
         "Where does the German word 'Schadenfreude' come from?"),
        "What does the French phrase 'joie de vivre' mean in relation to «{s}»?",
        r"\b(japanese|danish|german|french) (word|phrase)\b|'hygge'"),
    "The query is written in English by a non-native speaker with unusual phrasing.": Phrases(
        ("Please to explain me why is sky having blue colour?", "How is making the bread, "
         "kindly tell?"), "Please to explain me about «{s}», kindly?",
        r"\b(please to explain me|kindly tell|kindly\?)"),
    "The query is written in African American Vernacular English.": Phrases(
        ("Why the sky be blue like that?", "How you be makin' bread?"),
        "Can you break down «{s}» for me, 'cause I ain't get it?",
        r"\b(be blue|be makin|ain't get it)\b"),
    "The query is written in colloquial Cantonese.": Phrases(
        ("點解個天係藍色嘅？", "點樣整麵包呀？"), "可唔可以解釋下「{s}」呀？", r"[點嘅唔係咩]"),
    "The query is written in Singlish.": Phrases(
        ("Why the sky so blue one ah?", "How to make bread ah, can or not?"),
        "Can explain «{s}» or not, lah?", r"\b(one ah|can or not|lah)\b"),
}
