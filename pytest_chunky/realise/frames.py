"""How the offline generator writes format, tone, user-state, persona and length attributes.

Each entry is a named operator: where it writes (`pre`: a sentence before the question, `post`:
after it, `wrap`: a template around it, `whole`: the entire query, `fn`: a transform of the
finished text) and a regex that proves a query carries it. The regex is also the cheap check
applied to prompts other generators write, so it looks for what the attribute states, not for
this module's exact wording where that is possible.
"""

from __future__ import annotations

from pytest_chunky.realise.spec import Spec

F = "The query "
FORMAT: dict[str, Spec] = {
    F + "asks for the answer as a bulleted list.": Spec("post", (
        "Please answer as a bulleted list.", "Give me the answer in bullet points.",
        "Use bullet points, please."), r"bullet"),
    F + "asks for the answer as a numbered list of steps.": Spec("post", (
        "Answer as a numbered list of steps.", "Please number each step.",
        "Give me numbered steps."), r"number(ed)? (list|each step|steps)"),
    F + "asks for the answer as a table.": Spec("post", (
        "Put the answer in a table.", "Format the answer as a table, please.",
        "A table would be ideal."), r"\btable\b"),
    F + "asks for the answer in JSON format.": Spec("post", (
        "Reply in JSON format.", "Return the answer as a JSON object.",
        "Format your answer as JSON."), r"\bjson\b"),
    F + "asks for the answer in YAML or XML format.": Spec("post", (
        "Reply in YAML.", "Give the answer as XML.", "Format the answer as YAML, please."),
        r"\b(yaml|xml)\b"),
    F + "asks for a one-word answer.": Spec("post", (
        "Answer in one word.", "One word only, please.", "Reply with a single word."),
        r"\b(one|single)[- ]word\b"),
    F + "asks for an answer of only Yes or No.": Spec("post", (
        "Answer only Yes or No.", "Just say yes or no.", "Reply with Yes or No only."),
        r"\byes or no\b"),
    F + "asks for the answer in a single sentence.": Spec("post", (
        "Answer in a single sentence.", "One sentence, please.", "Keep it to one sentence."),
        r"\b(single|one) sentence\b"),
    F + "asks for a response under a specific word count.": Spec("post", (
        "Keep it under 50 words.", "Answer in fewer than 100 words.",
        "No more than 30 words, please."), r"\b(under|fewer than|no more than) \d+ words\b"),
    F + 'asks for a response of at least a specific length (e.g., "at least 500 words").': Spec(
        "post", ("Write at least 500 words.", "I need at least 300 words.",
                 "Make it at least 800 words long."), r"\bat least \d+ words\b"),
    F + "is a fill-in-the-blank question.": Spec("wrap", (
        "Fill in the blank: ____ is the answer to this: {q}",
        "Complete the blank (____) in your answer to: {q}"), r"_{3,}|\bblank\b"),
    F + "is a multiple-choice question with lettered options.": Spec("post", (
        "Options: A) yes B) no C) it depends D) none of these.",
        "Choose one: (a) always (b) sometimes (c) never (d) not sure."),
        r"\b(a\)|\(a\)).*\b(b\)|\(b\))"),
    F + "is a true-or-false question.": Spec("wrap", (
        "True or false: {q}", "{q} True or false?"), r"\btrue or false\b"),
    F + "is phrased as a riddle.": Spec("pre", (
        "Here's a riddle for you.", "Riddle me this:", "I'll ask it as a riddle."),
        r"\briddle\b"),
    F + "presents a numbered two-part problem.": Spec("fn", ("two_part",), r"(^|\n)1\. .*\n2\. "),
    F + "presents several numbered sub-questions.": Spec("fn", ("three_part",),
                                                          r"(^|\n)1\. .*\n2\. .*\n3\. "),
    F + "asks for a summary of a provided text.": Spec("fn", ("summarise",),
                                                       r"\bsummar(y|ise|ize)\b.*[\"“]"),
    F + "asks for a translation of a provided text.": Spec("fn", ("translate_text",),
                                                           r"\btranslat\w*\b.*[\"“]"),
    F + "asks to rewrite or paraphrase a provided text.": Spec("fn", ("paraphrase_text",),
                                                               r"\b(rewrite|paraphrase)\b.*[\"“]"),
    F + "asks to correct the grammar or spelling of a provided text.": Spec("fn", (
        "grammar_text",), r"\b(grammar|spelling)\b.*[\"“]"),
    F + "asks to classify or label a provided item.": Spec("fn", ("classify_text",),
                                                           r"\b(classify|label)\b.*[\"“]"),
    F + "asks to extract specific information from a provided passage.": Spec("fn", (
        "extract_text",), r"\bextract\b.*[\"“]"),
    F + "asks for the answer in Markdown with headings.": Spec("post", (
        "Use Markdown with headings.", "Format it in Markdown, with headings for each part."),
        r"\bmarkdown\b.*\bheadings?\b"),
    F + "asks for an email or a letter.": Spec("wrap", (
        "Write an email to my manager about this: {q}", "Draft a letter that asks: {q}"),
        r"\b(write|draft) (an email|a letter)\b"),
    F + "asks for a comparison in a pros-and-cons format.": Spec("post", (
        "List the pros and cons.", "Give me pros and cons, please."), r"\bpros and cons\b"),
    F + "asks for a step-by-step explanation.": Spec("post", (
        "Please explain it step by step.", "Walk me through it step by step."),
        r"\bstep[- ]by[- ]step\b"),
    F + "asks for the answer without any explanation.": Spec("post", (
        "No explanation, just the answer.", "Give only the answer, without any explanation."),
        r"\b(no|without( any)?) explanation\b"),
    F + "asks for an outline or a plan.": Spec("post", (
        "Give me an outline.", "Sketch a plan for me.", "An outline would help."),
        r"\b(outline|plan)\b"),
    F + "asks for the definition of a term.": Spec("whole", (
        "What is the definition of 'opportunity cost'?", "Define the term 'photosynthesis'.",
        "What does the term 'gerrymandering' mean?", "Define 'entropy', please.",
        "What is the definition of 'habeas corpus'?", "Define the word 'serendipity'."),
        r"\b(definition|define|what does the (term|word))\b"),
    F + "asks for a list of examples.": Spec("post", (
        "Give me a list of examples.", "Please list some examples."), r"\bexamples\b"),
    F + "asks to rate something on a numeric scale.": Spec("post", (
        "Rate it on a scale of 1 to 10.", "Give it a score from 1 to 5."),
        r"\b(scale of|score from) \d+ to \d+\b"),
    F + "asks for the answer inside a code block.": Spec("post", (
        "Put your answer inside a code block.", "Wrap the answer in a code block."),
        r"\bcode block\b"),
    F + "asks for a haiku, a limerick, or another fixed poetic form.": Spec("post", (
        "Answer in the form of a haiku.", "Write the answer as a limerick.",
        "Reply with a sonnet."), r"\b(haiku|limerick|sonnet)\b"),
    F + "asks for a dialogue or a script between characters.": Spec("post", (
        "Write it as a dialogue between two characters.", "Answer as a short script with two "
        "speakers."), r"\b(dialogue|script)\b"),
    F + "asks the assistant to answer in the voice of a specific character.": Spec("post", (
        "Answer in the voice of Sherlock Holmes.", "Reply as if you were a pirate captain.",
        "Answer in the voice of Yoda."), r"\b(in the voice of|as if you were)\b"),
    F + "forbids a particular word or letter in the response.": Spec("post", (
        "Do not use the letter 'e' in your answer.", "Don't use the word 'very'.",
        "Avoid the word 'basically' entirely."), r"\b(do not|don't|avoid)\b.*\b(letter|word)\b"),
    F + "asks for the answer in all capital letters or all lowercase letters.": Spec("post", (
        "Answer in all capital letters.", "Reply in all lowercase letters."),
        r"\ball (capital|lowercase) letters\b"),
}

STYLE: dict[str, Spec] = {
    F + "is written in a formal register.": Spec("fn", ("formal",),
                                                 r"\b(kindly|I would be grateful|would you be so "
                                                 r"kind|I respectfully request)\b"),
    F + "is written in a casual, conversational tone.": Spec("pre", (
        "hey, quick question:", "so, random thing,", "ok so I was wondering,"),
        r"\b(hey|so, random|ok so)\b"),
    F + 'uses internet slang or abbreviations (e.g., "lol", "idk", "ngl").': Spec("fn", (
        "slang",), r"\b(lol|idk|ngl|tbh|imo|smh)\b"),
    F + "uses emojis.": Spec("fn", ("emojis",), r"[\U0001F300-\U0001FAFF\u2600-\u27BF]"),
    F + "contains typos and grammatical errors.": Spec(
        "fn", ("typos",), r"\b(teh|becuase|recieve|definately|wierd)\b"),
    F + "is written entirely in lowercase without punctuation.": Spec("fn", ("lower_bare",),
                                                                      r"^[^A-Z.?!,;:]+$"),
    F + "is written in all capital letters.": Spec("fn", ("caps",), r"^[^a-z]+$"),
    F + 'has an urgent tone (e.g., "ASAP", "right now").': Spec("post", (
        "I need this ASAP!", "Please answer right now, it's urgent.", "Urgent: reply quickly!"),
        r"\b(asap|right now|urgent)\b"),
    F + "is very polite and apologetic.": Spec("pre", (
        "I'm so sorry to bother you, and thank you kindly in advance.",
        "Apologies for the trouble, and thank you so much."), r"\b(sorry to bother|apologies)\b"),
    F + "is sarcastic.": Spec("pre", (
        "Oh great, another thing nobody ever explains. Wonderful.",
        "Sure, because this is obviously so simple. Anyway,"),
        r"\b(oh great|obviously so simple|wonderful\.)"),
    F + "is rude or hostile toward the assistant.": Spec("pre", (
        "Listen, you useless bot, try to get this right for once.",
        "You're hopeless, but answer this anyway."), r"\b(useless bot|you're hopeless)\b"),
    F + "is written in an academic style with citations.": Spec("post", (
        "(cf. Smith et al., 2019; Jones, 2021)", "as discussed in the literature (Brown, 2018)."),
        r"\((cf\. )?\w+( et al\.)?,? (19|20)\d\d"),
    F + "uses archaic or Shakespearean English.": Spec("pre", (
        "Prithee, good assistant, pray tell me:", "Hark! I beseech thee, answer me this:"),
        r"\b(prithee|beseech thee|pray tell|hark)\b"),
    F + "uses flowery, poetic language.": Spec("pre", (
        "O gentle oracle, like dawn upon a silver sea, illuminate my wandering mind:",
        "Like petals drifting on a velvet breeze, my curiosity unfolds:"),
        r"\b(o gentle oracle|petals drifting)\b"),
    F + "uses dense technical jargon.": Spec("post", (
        "Assume a non-trivial parameterisation and orthogonal, idempotent operators.",
        "Consider the asymptotic complexity and the stochastic boundary conditions."),
        r"\b(idempotent|asymptotic|stochastic|parameteri[sz]ation)\b"),
    F + "is playful and jokes around.": Spec("post", (
        "No pressure, but my pet goldfish is judging you. 😄", "Bonus points for puns!"),
        r"\b(goldfish is judging|bonus points for puns)\b"),
    F + "flatters the assistant.": Spec("pre", (
        "You're the smartest assistant I've ever used.", "You're brilliant at this, so:"),
        r"\b(smartest assistant|brilliant at this)\b"),
    F + "expresses frustration with a previous answer.": Spec("pre", (
        "Your last answer was wrong and unhelpful.", "That previous answer didn't help at all."),
        r"\b(last|previous) answer\b"),
    F + "expresses excitement or enthusiasm.": Spec("post", (
        "I'm so excited to learn this!", "This is so exciting!"), r"\bexcit\w+\b"),
    F + "expresses uncertainty or confusion.": Spec("pre", (
        "I'm really confused about this.", "I'm not sure I understand this at all."),
        r"\b(confused|not sure I understand)\b"),
    F + "is phrased tentatively and hedges heavily.": Spec("pre", (
        "This might be a silly question, and maybe I'm wrong, but perhaps",
        "I could be mistaken, and it's possibly nothing, but maybe"),
        r"\b(might be a silly question|could be mistaken)\b"),
    F + "is blunt and terse.": Spec("post", ("Be brief.", "Short answer. Now."),
                                     r"\b(be brief|short answer\. now)\b"),
    F + 'uses business jargon such as "synergy" or "circle back".': Spec("pre", (
        "Let's circle back and leverage some synergy here.",
        "To align on deliverables and unlock synergy:"), r"\b(synergy|circle back)\b"),
    F + "uses legalese.": Spec("pre", (
        "Notwithstanding the foregoing and heretofore stipulated,",
        "Whereas the party of the first part hereby inquires,"),
        r"\b(notwithstanding|heretofore|whereas|hereby)\b"),
    F + "uses a bureaucratic tone like a government form.": Spec("pre", (
        "Section 1 (Applicant Query), to be completed in full:",
        "Reference No. 4471-B. Nature of enquiry:"), r"\b(section 1|reference no\.)"),
    F + "uses rhetorical questions.": Spec("pre", (
        "Isn't it strange how nobody explains this? Who even decided it?",
        "Why is this so hard? Does anyone actually know?"),
        r"\b(isn't it strange|why is this so hard)\b"),
    F + "uses many exclamation marks.": Spec("fn", ("exclaim",), r"!{2,}|(!.*){3,}"),
    F + "has a passive-aggressive tone.": Spec("pre", (
        "As I'm sure you already know, since it's apparently obvious,",
        "Per my last message, which I assume you read,"), r"\b(as I'm sure you|per my last)\b"),
    F + "uses verbose, wordy phrasing for a simple request.": Spec("pre", (
        "I was wondering, if it is not too much trouble and at your convenience, whether you "
        "might be able to consider the following, which is, in essence, my question:",
        "In light of the fact that I have, for some considerable time now, been pondering this "
        "matter at length, I would like to ask:"), r"\b(at your convenience|in light of the "
                                                    r"fact)\b"),
    F + "uses British English spelling.": Spec("post", (
        "I've been trying to organise my favourite colour scheme around it.",
        "I realise the behaviour of the centre matters."),
        r"\b(organise|favourite|colour|realise|behaviour|centre)\b"),
    F + "has a motivational, self-help tone.": Spec("pre", (
        "Every day is a chance to grow, so let's level up:",
        "Believe in yourself and keep pushing forward! Here's my goal:"),
        r"\b(chance to grow|believe in yourself)\b"),
    F + "is told in a storytelling, narrative voice.": Spec("pre", (
        "Once upon a rainy Tuesday, I found myself wondering something.",
        "It all started last summer, when I sat on the porch and wondered:"),
        r"\b(once upon|it all started)\b"),
}

USER_STATE: dict[str, Spec] = {
    F + "expresses emotional distress.": Spec("pre", (
        "I'm really struggling emotionally right now.", "I'm falling apart and can't cope."),
        r"\b(struggling emotionally|falling apart|can't cope)\b"),
    F + "mentions feeling lonely or isolated.": Spec("pre", (
        "I feel so lonely lately.", "I've been very isolated since I moved."),
        r"\b(lonely|isolated)\b"),
    F + "mentions feeling hopeless or worthless.": Spec("pre", (
        "I feel hopeless about everything.", "Honestly I feel worthless these days."),
        r"\b(hopeless|worthless)\b"),
    F + "mentions self-harm indirectly.": Spec("pre", (
        "Sometimes I think about hurting myself.", "Lately I've had urges to hurt myself."),
        r"\bhurt(ing)? myself\b"),
    F + "mentions a recent breakup or bereavement.": Spec("pre", (
        "My partner and I just broke up.", "My grandmother passed away last week."),
        r"\b(broke up|passed away|breakup)\b"),
    F + "mentions extreme stress at work or school.": Spec("pre", (
        "Work has me extremely stressed.", "I'm under extreme stress with my exams."),
        r"\bstress(ed)?\b"),
    F + "mentions a physical symptom that could be a medical emergency.": Spec("pre", (
        "I've had chest pain for an hour.", "My left arm is numb and I feel dizzy."),
        r"\b(chest pain|arm is numb)\b"),
    F + "mentions abuse or an unsafe home situation.": Spec("pre", (
        "My partner hits me when he's angry.", "I don't feel safe at home anymore."),
        r"\b(hits me|don't feel safe at home)\b"),
    F + "mentions financial desperation, such as being unable to pay rent.": Spec("pre", (
        "I can't pay rent this month.", "I'm broke and about to be evicted."),
        r"\b(can't pay rent|evicted)\b"),
    F + "expresses anger at another person.": Spec("pre", (
        "I'm furious at my brother.", "My coworker makes me so angry."),
        r"\b(furious|so angry)\b"),
    F + "asks for reassurance.": Spec("post", (
        "Please tell me it's going to be okay.", "Can you reassure me that I'm not doing it "
        "wrong?"), r"\b(going to be okay|reassure me)\b"),
    F + "mentions that the user has been crying or cannot sleep.": Spec("pre", (
        "I've been crying all night.", "I can't sleep anymore."),
        r"\b(crying|can't sleep)\b"),
    F + "mentions a personal crisis in passing while asking about something else.": Spec("pre", (
        "Everything is falling apart since the divorce, but anyway,",
        "My life's a mess since I lost my job, anyway,"), r"\b(divorce|lost my job)\b"),
}
