"""Issue 16's kinds of replies, in every shipped language and script (examples of our own).

Each table holds replies written the way people text, labelled by the rules of meaning in
locales/KEYWORDS.md, not by what the classifier currently answers.
"""

# ruff: noqa: RUF001  # replies in Arabic, Persian, Bengali and other scripts are the data under test

from __future__ import annotations

import pytest

from smsgateway.replies.classify import classify_reply, explain_reply, understand_reply
from smsgateway.replies.intents import Intent, Question
from smsgateway.replies.likeness import NO_LIKENESS

R = Question.APPOINTMENT_REMINDER
F = Question.FOLLOWUP
A = Question.ATTENDANCE_CHECK

CONFIRM = Intent.CONFIRM
DECLINE = Intent.DECLINE
RESCHEDULE = Intent.RESCHEDULE
YES = Intent.ATTENDED_YES
NO = Intent.ATTENDED_NO
OPT_OUT = Intent.OPT_OUT
OPT_IN = Intent.OPT_IN
HELP = Intent.HELP
UNCLEAR = Intent.UNCLEAR


def _cases(question: Question | None, intent: Intent, rows: dict[str, list[str]]) -> list[object]:
    return [
        pytest.param(language, question, text, intent, id=f"{language}-{text}")
        for language, texts in rows.items()
        for text in texts
    ]


def _check(language: str, question: Question | None, text: str, intent: Intent) -> None:
    got = explain_reply(text, language, question)
    assert got.intent is intent, got.explain()


# --- 1. Chatter is not an answer -------------------------------------------------------------

CHATTER = {
    "en": [
        "The weather is great today :)",
        "Haha that's a good one 😂",
        "Good night, sweet dreams",
        "Sure is hot out here, going to the market later",
        "Ok lar... Joking wif u oni...",
        "I saw your brother at the mosque yesterday 👍",
        "Happy birthday my dear, have a great day",
        "good morning, how are you?",
        "That movie was great, you should watch it",
        "lol yes she told me the same thing about her cousin",
    ],
    "fr": [
        "Il fait super beau aujourd'hui",
        "Bonne fête maman, je t'aime fort",
        "Oui le match d'hier était vraiment génial 😂",
        "D'accord avec toi sur le prix du riz au marché",
    ],
    "es": ["Qué bueno el partido de ayer jaja", "Sí, mi hermana también compró uno igual 😂"],
    "pt": ["Bom dia, que calor hoje hein", "Sim, a festa ontem foi ótima kkk"],
    "ar": ["الجو حلو اليوم الحمد لله", "ايوه شفت المباراة امبارح كانت تحفة"],
    "wo": ["Waaw, tey bi dafa tàng lool", "Baax na, sama doomu jigéen bi dafa am doom"],
    "ff": ["Eey, hannde naange ina wuli no feewi", "Jam tan, mi yi'ii sukaaɓe ɓe"],
    "ha": ["Eh, yau rana tayi zafi sosai wallahi", "To, mun gode Allah, an yi ruwan sama jiya"],
    "pcm": ["Yes o, dat match yesterday sweet die", "Ok o, mama don cook jollof for house"],
    "am": ["አዎ ዛሬ አየሩ በጣም ሞቃት ነው", "እሺ ትናንት ጨዋታው በጣም ጥሩ ነበር"],
    "ti": ["እወ ሎሚ ኣየር ጽቡቕ እዩ", "ሕራይ ትማሊ ጸወታ ጽቡቕ ነይሩ"],
    "prs": ["بلی امروز هوا خیلی گرم است", "خوب است، برادرم دیروز از کابل آمد"],
    "ps": ["هو نن هوا ډېره توده ده", "ښه ده، زما ورور پرون له کابله راغی"],
    "ka": ["კი, დღეს ძალიან ცხელა", "კარგი, გუშინ მატჩი ძალიან მაგარი იყო"],
    "sq": ["Po, sot eshte shume vape", "Mire, vellai im erdhi dje nga Tirana"],
    "bn": ["হ্যাঁ আজ অনেক গরম পড়েছে", "ঠিক আছে, কাল খেলাটা দারুণ হয়েছিল"],
}


@pytest.mark.parametrize(("language", "question", "text", "intent"), _cases(R, UNCLEAR, CHATTER))
def test_chatter_with_a_positive_word_is_not_an_answer(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


# --- 2. Opt-out as a sentence or in any script -------------------------------------------------

OPT_OUTS = {
    "en": [
        "don't text me any more",
        "leave me alone",
        "please remove my number",
        "Unsubscribe",
        "I don't want to receive these messages anymore",
        "no, stop sending",
        "no more reminders please",
        "I do not want your messages",
    ],
    "fr": [
        "ne m'envoyez plus de messages",
        "laissez-moi tranquille svp",
        "supprimez mon numéro",
        "je veux plus recevoir vos messages",
        "non, arrêtez",
    ],
    "es": [
        "No quiero recibir más mensajes",
        "no me manden más mensajes",
        "déjenme en paz",
        "borren mi número por favor",
        "darme de baja",
    ],
    "pt": [
        "Não quero receber mais mensagens",
        "parem de mandar mensagens",
        "me deixem em paz",
        "tirem o meu número da lista",
    ],
    "ar": [
        "لا اريد استلام الرسائل",
        "ما بدي رسائل بعد اليوم",
        "احذفوا رقمي من فضلك",
        "خليني في حالي",
        "ma tb3tch lia rasayel",
        "ma bghitch lmessages",
        "la tersel rasayel",
    ],
    "wo": ["Bul ma yonneeti message", "Dindil sama nimero", "begguma message yi"],
    "ff": ["Wata neldan mesaasi kadi", "Mi yiɗaa mesaasi mon", "Ittu limoore am"],
    "ha": ["Ku daina turo min sako", "Bana son sakonninku", "Ku cire lambata"],
    "pcm": ["Abeg no send me message again", "make una comot my number", "i no want una message"],
    "am": ["መልእክት አትላኩልኝ", "ቁጥሬን አጥፉ", "መልእክት አልፈልግም", "melekt atlaku"],
    "ti": ["መልእኽቲ ኣይትስደዱለይ", "ቁጽረይ ሰርዙ", "melekti aytsdedu"],
    "prs": ["دیگر پیام نفرستید", "شماره مرا حذف کنید", "payam naferestid", "bas kunid"],
    "ps": ["نور پیغام مه لیږئ", "زما شمیره لرې کړئ", "payghaam ma legai"],
    "ka": ["აღარ მომწეროთ", "წაშალეთ ჩემი ნომერი", "agar minda mesijebi", "damanebet tavi"],
    "sq": ["Mos me dergoni me mesazhe", "fshini numrin tim", "me lini rehat"],
    "bn": ["আর মেসেজ দিবেন না", "আমার নম্বর মুছে দিন", "ar msg diben na", "bondho koren"],
}


@pytest.mark.parametrize(("language", "question", "text", "intent"), _cases(R, OPT_OUT, OPT_OUTS))
def test_opt_out_sentences_in_every_language_and_script(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)
    _check(language, None, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        pytest.param("en", F, "no, stop sending", OPT_OUT, id="en-no-stop"),
        pytest.param("es", F, "No quiero recibir más mensajes", OPT_OUT, id="es-no-quiero"),
        pytest.param("en", R, "2 please stop", OPT_OUT, id="en-2-stop"),
        pytest.param("en", R, "yes, and remove my number", OPT_OUT, id="en-yes-remove"),
        pytest.param("ar", R, "لا، وقفوا الرسائل", OPT_OUT, id="ar-no-stop"),
    ],
)
def test_opt_out_beats_every_other_reading(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


# --- 3. Opt-in as a sentence -------------------------------------------------------------------

OPT_INS = {
    "en": ["send me the messages again", "I want the reminders back", "resubscribe", "START again"],
    "fr": ["renvoyez-moi les messages", "je veux recevoir les messages à nouveau"],
    "es": ["quiero recibir los mensajes otra vez", "envíenme los mensajes de nuevo"],
    "pt": ["quero receber as mensagens de novo", "podem voltar a mandar"],
    "ar": ["ارسلوا لي الرسائل مره اخرى", "اعاده الاشتراك"],
    "wo": ["yonneewaatleen ma", "bëgg naa message yi"],
    "ff": ["Neldan kadi", "Mi yiɗi mesaasi"],
    "ha": ["A sake turo min", "Ina son sakonni"],
    "pcm": ["make una dey send me message again"],
    "am": ["እንደገና ላኩልኝ"],
    "ti": ["እንደገና ስደዱለይ"],
    "prs": ["دوباره پیام بفرستید"],
    "ps": ["بیا پیغام راولیږئ"],
    "ka": ["ისევ გამომიგზავნეთ"],
    "sq": ["me dergoni perseri mesazhe"],
    "bn": ["আবার মেসেজ পাঠান"],
}


@pytest.mark.parametrize(("language", "question", "text", "intent"), _cases(R, OPT_IN, OPT_INS))
def test_opt_in_sentences(language: str, question: Question, text: str, intent: Intent) -> None:
    _check(language, question, text, intent)
    _check(language, None, text, intent)


# --- 4. Help as a sentence, and "who is this?" -------------------------------------------------

HELPS = {
    "en": ["I need help", "I don't understand", "who is this?", "who are you", "what is this?"],
    "fr": ["j'ai besoin d'aide", "je comprends pas", "c'est qui ?", "vous êtes qui"],
    "es": ["necesito ayuda", "no entiendo", "¿quién es?"],
    "pt": ["preciso de ajuda", "não entendi", "quem é?"],
    "ar": ["احتاج مساعده", "ما فهمت", "مين حضرتك؟", "shkoun?"],
    "wo": ["soxla naa ndimbal", "dégguma", "yow kan nga?"],
    "ff": ["mi sokli ballal", "mi faamaani", "an holmo?"],
    "ha": ["ina bukatar taimako", "ban gane ba", "wanene wannan?"],
    "pcm": ["abeg help me", "i no understand", "who be this?"],
    "am": ["እርዳታ እፈልጋለሁ", "አልገባኝም", "ማን ናችሁ?"],
    "ti": ["ሓገዝ የድልየኒ", "ኣይተረድኣንን", "መን ኢኹም?"],
    "prs": ["کمک لازم دارم", "نفهمیدم", "شما کی هستید؟"],
    "ps": ["مرسته غواړم", "پوه نشوم", "تاسو څوک یاست؟"],
    "ka": ["დახმარება მჭირდება", "ვერ გავიგე", "ვინ ხართ?"],
    "sq": ["kam nevoje per ndihme", "nuk e kuptoj", "kush jeni?"],
    "bn": ["আমার সাহায্য দরকার", "বুঝিনি", "আপনি কে?"],
}


@pytest.mark.parametrize(("language", "question", "text", "intent"), _cases(R, HELP, HELPS))
def test_help_sentences_and_who_is_this(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)
    _check(language, None, text, intent)


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        pytest.param("en", R, "great", UNCLEAR, id="praise-alone"),
        pytest.param("en", R, "ok great", CONFIRM, id="praise-beside-ok"),
        pytest.param("en", R, "not good", DECLINE, id="praise-negated"),
        pytest.param("fr", R, "parfait", UNCLEAR, id="fr-praise-alone"),
        pytest.param("fr", R, "ok parfait merci", CONFIRM, id="fr-praise-beside-ok"),
        pytest.param("en", R, "yes lol", UNCLEAR, id="laughter"),
        pytest.param("es", R, "sí jajaja", UNCLEAR, id="es-laughter"),
        pytest.param("en", R, "no lol", DECLINE, id="laughter-beside-no"),
        pytest.param("en", R, "cool 😂", UNCLEAR, id="emoji-laughter"),
    ],
)
def test_praise_and_laughter_do_not_confirm(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


def test_who_is_this_beside_an_answer_is_unclear() -> None:
    assert classify_reply("ok but who are you", "en", R) is UNCLEAR
    assert classify_reply("1 who is this", "en", R) is UNCLEAR


# --- 5. Number words and keycaps ----------------------------------------------------------------

NUMBER_WORDS = {
    "en": ["one", "two", "three"],
    "fr": ["un", "deux", "trois"],
    "es": ["uno", "dos", "tres"],
    "pt": ["um", "dois", "três"],
    "ar": ["واحد", "اثنين", "ثلاثة"],
    "wo": ["benn", "ñaar", "ñett"],
    "ff": ["go'o", "ɗiɗi", "tati"],
    "ha": ["ɗaya", "biyu", "uku"],
    "pcm": ["one", "two", "three"],
    "am": ["አንድ", "ሁለት", "ሶስት"],
    "ti": ["ሓደ", "ክልተ", "ሰለስተ"],
    "prs": ["یک", "دو", "سه"],
    "ps": ["یو", "دوه", "درې"],
    "ka": ["ერთი", "ორი", "სამი"],
    "sq": ["një", "dy", "tre"],
    "bn": ["এক", "দুই", "তিন"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    [
        pytest.param(language, R, text, intent, id=f"{language}-{text}")
        for language, words in NUMBER_WORDS.items()
        for text, intent in zip(words, (CONFIRM, DECLINE, RESCHEDULE), strict=True)
    ]
    + [
        pytest.param("en", R, "1️⃣", CONFIRM, id="keycap-1"),
        pytest.param("fr", R, "2️⃣", DECLINE, id="keycap-2"),
        pytest.param("ar", R, "3️⃣", RESCHEDULE, id="keycap-3"),
        pytest.param("en", F, "1⃣", YES, id="keycap-no-selector"),
        pytest.param("en", R, "option two", DECLINE, id="option-two"),
        pytest.param("fr", R, "un rendez-vous", UNCLEAR, id="fr-article"),
        pytest.param("en", R, "the two of us", UNCLEAR, id="en-two-of-us"),
        pytest.param("en", R, "one two", UNCLEAR, id="en-two-options"),
        pytest.param("en", F, "three", UNCLEAR, id="en-not-an-option"),
    ],
)
def test_number_words_and_keycaps(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


# --- 6. Short colloquial yes / no, dialects, contractions --------------------------------------

SHORT_YES = {
    "en": ["yh", "yep", "Yess!", "ofc", "sure thing"],
    "fr": ["ouais", "wé", "oui oui", "carrément"],
    "es": ["sip", "claro que sí", "simón"],
    "pt": ["ss", "sim sim", "uhum", "claro"],
    "ar": ["اه", "ايوه", "أكيد", "eh", "aywa", "wah", "iyeh"],
    "wo": ["waaw", "waw kay", "dëgg la"],
    "ff": ["eey", "ey", "haa", "eyyo", "naam"],
    "ha": ["eh", "e", "ii", "na'am", "to"],
    "pcm": ["yes o", "na so", "i gree"],
    "am": ["አዎ", "awo", "እሺ", "eshi"],
    "ti": ["እወ", "ewe", "ሕራይ"],
    "prs": ["بلی", "ها", "bale", "آره"],
    "ps": ["هو", "ho", "هوکې"],
    "ka": ["კი", "ხო", "ho", "diax", "kargi"],
    "sq": ["po", "po po", "posi"],
    "bn": ["হ্যাঁ", "জি", "ji", "হুম", "ha"],
}
SHORT_NO = {
    "en": ["nah", "nope", "no way"],
    "fr": ["non", "nan", "non merci"],
    "es": ["no", "nel"],
    "pt": ["não", "nao", "naum"],
    "ar": ["لا", "لأ", "la2", "la"],
    "wo": ["déedéet", "deedeet", "deet"],
    "ff": ["alaa", "ala"],
    "ha": ["a'a", "a’a", "babu"],
    "pcm": ["no o", "abeg no"],
    "am": ["አይ", "ay", "የለም"],
    "ti": ["ኣይፋል", "ayfal"],
    "prs": ["نه", "نخیر", "na"],
    "ps": ["نه", "نه نه"],
    "ka": ["არა", "ara", "nea"],
    "sq": ["jo", "jo jo"],
    "bn": ["না", "na", "জি না"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    _cases(R, CONFIRM, SHORT_YES) + _cases(R, DECLINE, SHORT_NO),
)
def test_short_colloquial_yes_and_no(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


DIALECT_DECLINES = {
    "en": ["can't make it sorry", "I won't be able to come", "not gonna make it"],
    "fr": ["j'peux pas", "chui pas dispo", "je pourrai pas venir désolé"],
    "es": ["no puedo ir", "no voy a poder"],
    "pt": ["não vai dar", "não consigo ir"],
    "ar": ["ما بقدر اجي", "مش هقدر اجي", "ma n9derch nji", "mish ha2dar", "ما نقدرش نجي"],
    "wo": ["mënuma ñëw", "duma mën ñëw"],
    "ff": ["mi waawaa arde", "mi arataa"],
    "ha": ["ba zan iya zuwa ba", "bazan samu ba"],
    "pcm": ["i no fit come", "i no go fit come"],
    "am": ["መምጣት አልችልም", "alchilim"],
    "ti": ["ክመጽእ ኣይክእልን", "aykelin"],
    "prs": ["آمده نمیتانم", "namitanam"],
    "ps": ["نشم راتلای", "nasham ratlay"],
    "ka": ["ვერ მოვალ", "ver moval", "ar mcalia"],
    "sq": ["s'mundem", "nuk mund te vij", "s'muj me ardh"],
    "bn": ["আসতে পারব না", "aite parum na"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"), _cases(R, DECLINE, DIALECT_DECLINES)
)
def test_contractions_and_dialect_declines(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


# --- 7. Reschedule as a proposal ---------------------------------------------------------------

PROPOSALS = {
    "en": [
        "can I come Thursday instead?",
        "is another day possible?",
        "could we do Monday instead",
    ],
    "fr": ["est-ce que je peux venir jeudi plutôt ?", "un autre jour c'est possible ?"],
    "es": ["¿puedo ir el jueves en vez?", "¿se puede otro día?"],
    "pt": ["posso ir na quinta em vez disso?", "dá para outro dia?"],
    "ar": ["ممكن يوم ثاني؟", "ممكن اجي الخميس بدل؟"],
    "wo": ["ndax mën naa ñëw beneen bés?"],
    "ff": ["ñalawma goɗɗo waawi?"],
    "ha": ["za a iya wata rana?"],
    "pcm": ["i fit come another day?"],
    "am": ["ሌላ ቀን ይቻላል?"],
    "ti": ["ካልእ መዓልቲ ይከኣል?"],
    "prs": ["روز دیگر ممکن است؟"],
    "ps": ["بله ورځ کېدای شي؟"],
    "ka": ["სხვა დღეს შეიძლება?"],
    "sq": ["a mundet nje dite tjeter?"],
    "bn": ["অন্য দিন কি সম্ভব?"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"), _cases(R, RESCHEDULE, PROPOSALS)
)
def test_a_proposal_of_another_day_is_a_reschedule(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


# --- 8. Follow-up progress statements ----------------------------------------------------------

PROGRESS_YES = {
    "en": [
        "started on Monday",
        "finished the first week",
        "enrolment confirmed, she began on the 4th",
        "yes he started",
    ],
    "fr": ["j'ai commencé lundi", "j'ai fini la première semaine", "elle a commencé"],
    "es": ["empecé el lunes", "ya terminé la primera semana"],
    "pt": ["comecei na segunda", "terminei a primeira semana"],
    "ar": ["بديت الاثنين", "خلصت الاسبوع الاول"],
    "wo": ["tàmbali naa ci altine", "jeex naa ayubés bu njëkk"],
    "ff": ["mi fuɗɗii altine", "o fuɗɗii"],
    "ha": ["na fara ranar litinin", "ya fara"],
    "pcm": ["i don start", "she don start"],
    "am": ["ሰኞ ጀመርኩ", "ጀምራለች"],
    "ti": ["ሰኑይ ጀሚረ", "ጀሚራ"],
    "prs": ["دوشنبه شروع کردم", "او شروع کرد"],
    "ps": ["پیل مې کړی", "هغې پیل کړ"],
    "ka": ["ორშაბათს დავიწყე", "დაიწყო"],
    "sq": ["fillova te henen", "mbarova javen e pare"],
    "bn": ["সোমবার শুরু করেছি", "প্রথম সপ্তাহ শেষ করেছি"],
}
PROGRESS_NO = {
    "en": ["not yet, next week", "he never showed up", "no, next week", "didn't start yet"],
    "fr": ["pas encore, la semaine prochaine", "il n'est jamais venu"],
    "es": ["todavía no, la próxima semana", "no se presentó"],
    "pt": ["ainda não, semana que vem", "ele não apareceu"],
    "ar": ["لسه، الاسبوع الجاي", "ما جاش"],
    "wo": ["ba leegi deet", "ñëwul"],
    "ff": ["tawo, yontere garoore", "o araani"],
    "ha": ["ban fara ba tukuna", "bai zo ba"],
    "pcm": ["i never start", "he no show"],
    "am": ["ገና ነው በሚቀጥለው ሳምንት", "አልመጣም"],
    "ti": ["ገና", "ኣይመጸን"],
    "prs": ["هنوز نه، هفته آینده", "نیامد"],
    "ps": ["تر اوسه نه", "رانغی"],
    "ka": ["ჯერ არა, შემდეგ კვირას", "არ მოვიდა"],
    "sq": ["akoma jo, javen tjeter", "nuk erdhi"],
    "bn": ["এখনো না, পরের সপ্তাহে", "আসেনি"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"),
    _cases(F, YES, PROGRESS_YES) + _cases(F, NO, PROGRESS_NO),
)
def test_follow_up_progress_statements(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


# --- 9. Contradictions stay unclear ------------------------------------------------------------

CONTRADICTIONS = {
    "en": ["no I will come", "yes I can't", "1 no"],
    "fr": ["non je viendrai", "oui je peux pas"],
    "es": ["no, sí voy", "sí no puedo"],
    "pt": ["não, eu vou", "sim não posso"],
    "ar": ["لا راح اجي", "ايوه ما بقدر"],
    "wo": ["déedéet dinaa ñëw", "waaw mënuma"],
    "ha": ["a'a zan zo", "eh ba zan iya ba"],
    "pcm": ["no o i go come", "yes i no fit come"],
    "ka": ["არა მოვალ", "კი ვერ მოვალ"],
    "sq": ["jo do vij", "po s'mundem"],
    "bn": ["না আসব", "হ্যাঁ আসতে পারব না"],
    "prs": ["نه میایم", "بلی نمیتانم"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"), _cases(R, UNCLEAR, CONTRADICTIONS)
)
def test_contradictions_stay_unclear(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


# --- 10. Fula in Adlam script ------------------------------------------------------------------

ADLAM = [
    ("𞤉𞤴𞤴𞤮", R, CONFIRM),  # eyyo
    ("𞤀𞤤𞤢𞥄", R, DECLINE),  # alaa
    ("𞤃𞤭 𞤢𞤪𞤢𞤼", R, CONFIRM),  # mi arat
    ("𞤃𞤭 𞤱𞤢𞥄𞤱𞤢𞥄 𞤢𞤪𞤣𞤫", R, DECLINE),  # mi waawaa arde
    ("𞤻𞤢𞤤𞤢𞤱𞤥𞤢 𞤺𞤮𞤯𞥆𞤮", R, RESCHEDULE),  # ñalawma goɗɗo
    ("𞤃𞤭 𞤬𞤵𞤯𞥆𞤭𞥅", F, YES),  # mi fuɗɗii
    ("𞤃𞤭 𞤴𞤢𞤸𞤢𞥄𞤲𞤭", F, NO),  # mi yahaani
    ("𞤱𞤢𞤼𞤢 𞤲𞤫𞤤𞤣𞤵", R, OPT_OUT),  # wata neldu
    ("𞤃𞤭 𞤬𞤢𞥄𞤥𞤢𞥄𞤲𞤭", R, HELP),  # mi faamaani
    ("𞤺𞤮𞥅", R, CONFIRM),  # goo (one)
    ("𞤼𞤢𞤼𞤭", R, RESCHEDULE),  # tati (three)
    ("𞥑", R, CONFIRM),  # Adlam digit one
    ("𞥟 𞤀𞤤𞤢𞥄 ؟", R, UNCLEAR),  # "alaa?": a question, not an answer
]


@pytest.mark.parametrize(("text", "question", "intent"), ADLAM, ids=[t for t, _, _ in ADLAM])
def test_fula_in_adlam_script_reads_like_latin(
    text: str, question: Question, intent: Intent
) -> None:
    _check("ff", question, text, intent)


# --- explanations ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question", "rule"),
    [
        ("STOP", R, "opt_out"),
        ("yes, the weather is very hot today", R, "answer_shape"),
        ("great", R, "no_answer"),
        ("ok 😂", R, "laughter"),
        ("sorry, I typed STOP accidentally", R, "stop_by_mistake"),
        ("is Friday possible?", R, "proposal"),
        ("yes I can't", R, "contradiction"),
        ("maybe", R, "hedge"),
        ("1", R, "answer"),
        ("1", None, "no_open_question"),
        ("who is this?", R, "help"),
        ("4", R, "number_not_an_option"),
        ("yes?", R, "reservation"),
        (" ".join(["word"] * 30) + " yes", R, "too_long"),
    ],
)
def test_every_decision_names_the_rule_that_made_it(
    text: str, question: Question | None, rule: str
) -> None:
    assert explain_reply(text, "en", question).rule == rule


# --- Proposals, progress and opt-outs composed from classes of words -------------------------

PREFERRED_DAYS = {
    "en": ["friday would be better", "saturday works better for me"],
    "fr": ["jeudi c'est mieux", "samedi m'arrange mieux"],
    "es": ["el martes es mejor", "prefiero el sábado"],
    "pt": ["sábado é melhor", "prefiro na quinta"],
    "ar": ["الخميس أحسن", "السبت انسب لي"],
    "prs": ["پنجشنبه بهتر است"],
    "ka": ["ხვალ ჯობს"],
    "bn": ["সোমবার হলে ভালো হয়"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"), _cases(R, RESCHEDULE, PREFERRED_DAYS)
)
def test_a_day_said_to_be_better_is_a_proposal(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)
    assert explain_reply(text, language, question).rule == "proposal"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "the weather is better today"),
        ("fr", "demain c'est mieux ? je sais pas"),
    ],
)
def test_better_without_a_leading_day_or_with_doubt_is_no_proposal(
    language: str, text: str
) -> None:
    assert classify_reply(text, language, R) is not RESCHEDULE


YES_TO_A_BETTER_DAY = {
    "en": ["yes, Saturday is better", "ok, the afternoon would be better"],
    "fr": ["oui, samedi c'est mieux"],
    "es": ["sí, mejor el sábado"],
    "ar": ["ايوه، السبت أحسن"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"), _cases(R, UNCLEAR, YES_TO_A_BETTER_DAY)
)
def test_a_yes_beside_a_better_day_confirms_nothing(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    """A yes that prefers another day is no yes to this one: a wrong confirm would lose the
    returnee, a review item costs a caseworker a minute."""
    _check(language, question, text, intent)
    assert explain_reply(text, language, question).rule == "reservation"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "yes im feeling better now, ill come"),
        ("fr", "oui je vais mieux maintenant, je viendrai"),
        ("sq", "Po, tani jam më mirë, do vij"),
    ],
)
def test_a_yes_that_says_it_will_come_confirms_beside_better(language: str, text: str) -> None:
    """Feeling better is no other day: "I will come" says which day."""
    _check(language, R, text, CONFIRM)


def test_better_with_a_laugh_is_no_proposal_by_rule() -> None:
    """A laugh keeps the rules from reading an answer, so that it never confirms. Only the
    learned reader of proposals (rule 7c) may read "tomorrow is better lol" as one, when it is as
    like the corpus's proposals as they are: how like moves each time the weights are learned
    again, so the test holds the rules to their word and the likeness to proposals only."""
    by_rules = understand_reply("tomorrow is better lol", "en", likeness=NO_LIKENESS).explain(R)
    assert (by_rules.intent, by_rules.rule) == (UNCLEAR, "no_answer")
    decision = explain_reply("tomorrow is better lol", "en", R)
    assert decision.intent in (RESCHEDULE, UNCLEAR)
    assert decision.rule in ("answer_likeness", "no_answer")


ANOTHER_AFTER_REFUSAL = {
    "en": ["not monday, the next one?", "monday no tuesday yes"],
    "fr": ["pas lundi, le suivant ?", "lundi non mardi oui"],
    "es": ["el lunes no, el otro?", "lunes no, martes sí"],
    "pt": ["segunda não, a seguinte?"],
    "sq": ["jo të hënën, tjetrën?"],
    "ka": ["ორშაბათს არა, შემდეგს?"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"), _cases(R, RESCHEDULE, ANOTHER_AFTER_REFUSAL)
)
def test_another_day_after_a_refusal_is_a_proposal(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


def test_a_date_number_asked_about_is_a_proposal_but_an_option_is_not() -> None:
    assert classify_reply("se puede el 20?", "es", R) is RESCHEDULE
    assert classify_reply("is the 20 possible?", "en", R) is RESCHEDULE
    assert classify_reply("2?", "en", R) is UNCLEAR


def test_a_day_asked_about_without_the_mark_when_possible_leads() -> None:
    assert explain_reply("what about friday morning", "en", R).rule == "proposal"
    # The rules read no proposal here; the learned reader of proposals (rule 7c) does.
    decision = explain_reply("friday morning what about", "en", R)
    assert (decision.intent, decision.rule) == (RESCHEDULE, "answer_likeness")


HABITS = {
    "fr": ["j'y vais chaque matin"],
    "ha": ["ina zuwa kowace rana"],
    "prs": ["هر روز میرم"],
    "sq": ["tani vij çdo ditë"],
}


@pytest.mark.parametrize(("language", "question", "text", "intent"), _cases(F, YES, HABITS))
def test_going_every_day_answers_did_you_start(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)
    assert explain_reply(text, language, A).intent is YES


def test_a_present_i_go_is_a_habit_only_beside_every_day() -> None:
    assert explain_reply("i go there every morning now", "en", A).rule == "habit"
    assert classify_reply("shkoj çdo ditë", "sq", F) is YES
    assert classify_reply("i go to the market every day", "en", A) is not YES
    assert classify_reply("i go", "en", A) is not YES


@pytest.mark.parametrize(
    ("language", "text"),
    [("fr", "j'y vais chaque matin ?"), ("en", "i can't come every day"), ("fr", "chaque matin")],
)
def test_a_habit_that_asks_refuses_or_says_nothing_is_no_yes(language: str, text: str) -> None:
    assert classify_reply(text, language, F) is not YES


SENT_BACK = {
    "en": ["the office said come back next month"],
    "fr": ["on m'a dit de revenir la semaine prochaine"],
    "es": ["me dijeron que vuelva la otra semana"],
    "ha": ["sun ce in dawo mako mai zuwa"],
    "am": ["በሚቀጥለው ሳምንት ተመለስ አሉኝ"],
}


@pytest.mark.parametrize(("language", "question", "text", "intent"), _cases(F, NO, SENT_BACK))
def test_told_to_come_back_later_is_not_yet(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    got = explain_reply(text, language, question)
    assert (got.intent, got.rule) == (intent, "sent_back"), got.explain()


def test_come_back_beside_a_yes_or_a_question_is_not_sent_back() -> None:
    assert explain_reply("yes, come back next week?", "en", F).rule != "sent_back"
    assert explain_reply("i will come back tomorrow", "en", R).intent is not NO
    assert explain_reply("come back home tomorrow", "en", A).rule != "sent_back"


REMOVED_FROM_THE_MESSAGES = {
    "en": ["take me off these messages"],
    "ar": ["شيلوني من الرسائل دي"],
    "am": ["ከነዚህ መልእክቶች አውጡኝ"],
    "bn": ["এই মেসেজ থেকে আমাকে বাদ দিন"],
    "ka": ["ამ შეტყობინებებიდან ამომიღეთ"],
    "wo": ["dindi ma ci liste bi"],
}


@pytest.mark.parametrize(
    ("language", "question", "text", "intent"), _cases(A, OPT_OUT, REMOVED_FROM_THE_MESSAGES)
)
def test_remove_me_near_the_messages_or_the_list_is_an_opt_out(
    language: str, question: Question, text: str, intent: Intent
) -> None:
    _check(language, question, text, intent)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "i deleted your message sorry what was it"),
        ("fr", "j'ai supprimé le message par erreur"),
        ("es", "borré el mensaje, de qué era?"),
    ],
)
def test_deleting_a_message_is_no_opt_out(language: str, text: str) -> None:
    assert classify_reply(text, language, R) is not OPT_OUT


def test_a_lone_start_beside_a_day_or_a_person_is_no_opt_in() -> None:
    assert classify_reply("START", "pcm", None) is OPT_IN
    assert classify_reply("my pikin start last monday", "pcm", F) is not OPT_IN
