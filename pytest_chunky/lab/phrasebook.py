"""Explanation questions with their translations and a reference answer.

The generator realises these as prompts (in English, Malay or Spanish, plainly or formally);
the background corpus answers the English ones in full, which is how the lab model knows the
"intended" behaviour for them.
"""

from __future__ import annotations

from typing import NamedTuple


class BaseQuestion(NamedTuple):
    topic: str
    en: str       # the plain English question
    clause: str   # the same question as an embedded clause ("why the sky is blue")
    ms: str       # Malay
    es: str       # Spanish
    answer: str   # a full English explanation


_ROWS = [
    ("science", "Why is the sky blue?", "why the sky is blue",
     "Mengapakah langit berwarna biru?", "¿Por qué el cielo es azul?",
     "Sunlight contains every colour, and the short blue wavelengths are scattered far more "
     "strongly by the molecules in the air than the longer red ones. That scattered blue light "
     "reaches our eyes from every direction, so the whole sky looks blue."),
    ("science", "Why does ice float on water?", "why ice floats on water",
     "Mengapakah ais terapung di atas air?", "¿Por qué el hielo flota en el agua?",
     "When water freezes, its molecules lock into an open hexagonal lattice held together by "
     "hydrogen bonds. That lattice takes up more space than liquid water, so ice is about nine "
     "percent less dense and floats."),
    ("science", "How do magnets work?", "how magnets work",
     "Bagaimanakah magnet berfungsi?", "¿Cómo funcionan los imanes?",
     "Inside a magnet, the magnetic moments of many electrons line up in the same direction in "
     "regions called domains. Their combined field attracts or repels other magnets and pulls "
     "on iron, whose own domains line up with the field."),
    ("nature", "How do bees make honey?", "how bees make honey",
     "Bagaimanakah lebah menghasilkan madu?", "¿Cómo hacen miel las abejas?",
     "Worker bees collect nectar from flowers and store it in a honey stomach, where enzymes "
     "start breaking the sugars down. In the hive they deposit it in wax cells and fan it with "
     "their wings until most of the water evaporates and it thickens into honey."),
    ("nature", "Why do leaves change colour in autumn?", "why leaves change colour in autumn",
     "Mengapakah daun bertukar warna pada musim luruh?",
     "¿Por qué las hojas cambian de color en otoño?",
     "As the days shorten, trees stop making chlorophyll, the green pigment used for "
     "photosynthesis. As the green fades, yellow and orange pigments that were there all along "
     "become visible, and some trees also make red anthocyanins."),
    ("nature", "How do birds know where to migrate?", "how birds know where to migrate",
     "Bagaimanakah burung tahu ke mana hendak berhijrah?",
     "¿Cómo saben las aves hacia dónde migrar?",
     "Migrating birds combine several cues: the position of the sun and stars, the Earth's "
     "magnetic field, landmarks such as coastlines and mountains, and even smells. Young birds "
     "inherit a rough direction and refine their route with experience."),
    ("space", "Why does the Moon have phases?", "why the Moon has phases",
     "Mengapakah bulan mempunyai fasa?", "¿Por qué la Luna tiene fases?",
     "The Moon does not make its own light; we see sunlight reflected from it. As it orbits the "
     "Earth over about 29.5 days we see different fractions of its sunlit half, which gives the "
     "cycle from new moon to full moon and back."),
    ("space", "How do stars form?", "how stars form",
     "Bagaimanakah bintang terbentuk?", "¿Cómo se forman las estrellas?",
     "Stars form inside cold clouds of gas and dust. Gravity pulls dense pockets of the cloud "
     "together; as they collapse they heat up, and once the core is hot and dense enough, "
     "hydrogen begins fusing into helium and the new star starts to shine."),
    ("space", "Why is Mars red?", "why Mars is red",
     "Mengapakah Marikh berwarna merah?", "¿Por qué Marte es rojo?",
     "The surface of Mars is covered in dust and rocks rich in iron oxide, which is essentially "
     "rust. Fine rusty dust is also lifted into the thin atmosphere, which gives the planet and "
     "its sky a reddish tint."),
    ("history", "Why did the Roman Empire fall?", "why the Roman Empire fell",
     "Mengapakah Empayar Rom runtuh?", "¿Por qué cayó el Imperio romano?",
     "Historians point to many causes working together: political instability and civil wars, "
     "economic trouble and heavy taxation, overstretched borders, pressure from migrating "
     "peoples and the split into eastern and western halves. The western empire ended in 476."),
    ("history", "How were the pyramids of Egypt built?", "how the pyramids of Egypt were built",
     "Bagaimanakah piramid Mesir dibina?", "¿Cómo se construyeron las pirámides de Egipto?",
     "Organised teams of paid workers quarried huge limestone blocks, moved them on sledges "
     "over wetted sand and raised them with ramps. Skilled architects planned the work, which "
     "took decades for the largest pyramids."),
    ("history", "Why did the First World War start?", "why the First World War started",
     "Mengapakah Perang Dunia Pertama bermula?", "¿Por qué comenzó la Primera Guerra Mundial?",
     "Rival alliances, militarism, imperial competition and nationalism had raised tensions for "
     "years. The assassination of Archduke Franz Ferdinand in Sarajevo in 1914 set off a chain "
     "of declarations of war between the alliance blocs."),
    ("health", "Why is sleep important for health?", "why sleep is important for health",
     "Mengapakah tidur penting untuk kesihatan?", "¿Por qué es importante dormir para la salud?",
     "During sleep the body repairs tissue, the brain consolidates memories and clears waste, "
     "and hormones that regulate appetite and stress are rebalanced. Regularly sleeping too "
     "little raises the risk of heart disease, weight gain and poor concentration."),
    ("health", "How does exercise improve mood?", "how exercise improves mood",
     "Bagaimanakah senaman meningkatkan mood?", "¿Cómo mejora el ejercicio el estado de ánimo?",
     "Exercise releases endorphins and raises brain chemicals such as serotonin and dopamine "
     "that lift mood. Over time it also lowers stress hormones, improves sleep and gives a "
     "sense of achievement, all of which help people feel better."),
    ("health", "How does the body fight a cold?", "how the body fights a cold",
     "Bagaimanakah badan melawan selesema?", "¿Cómo combate el cuerpo un resfriado?",
     "When a cold virus infects the lining of the nose and throat, the immune system triggers "
     "inflammation and mucus. White blood cells then attack infected cells and antibodies "
     "neutralise the virus, which usually clears it within a week or so."),
    ("cooking", "Why does bread rise?", "why bread rises",
     "Mengapakah roti mengembang?", "¿Por qué sube el pan?",
     "Yeast in the dough feeds on sugars and releases carbon dioxide gas. Kneading builds a "
     "stretchy gluten network that traps the gas in small bubbles, so the dough expands, and "
     "baking sets that airy structure."),
    ("cooking", "How does salt preserve food?", "how salt preserves food",
     "Bagaimanakah garam mengawet makanan?", "¿Cómo conserva la sal los alimentos?",
     "Salt draws water out of food and out of microbes by osmosis. Without enough available "
     "water most bacteria and moulds cannot grow, so salted fish and meat keep for a long "
     "time."),
    ("cooking", "Why do onions make you cry?", "why onions make you cry",
     "Mengapakah bawang membuatkan kita menangis?", "¿Por qué las cebollas nos hacen llorar?",
     "Cutting an onion breaks its cells and releases enzymes that produce a volatile sulfur "
     "compound. When that gas reaches your eyes it irritates them, and your tear glands make "
     "tears to wash it away."),
    ("geography", "Why are there deserts?", "why deserts form",
     "Mengapakah terdapat padang pasir?", "¿Por qué existen los desiertos?",
     "Most deserts form where dry, sinking air around 30 degrees latitude prevents clouds, or "
     "in the rain shadow behind mountains that wring moisture out of the wind. Cold ocean "
     "currents and distance from the sea keep other regions dry."),
    ("geography", "How are mountains formed?", "how mountains are formed",
     "Bagaimanakah gunung terbentuk?", "¿Cómo se forman las montañas?",
     "Most large mountain ranges form where tectonic plates collide, folding the crust upward "
     "over millions of years. Volcanoes build other mountains from lava and ash, and erosion "
     "slowly shapes them all."),
    ("geography", "Why is the sea salty?", "why the sea is salty",
     "Mengapakah air laut masin?", "¿Por qué el mar es salado?",
     "Rain slowly dissolves minerals from rocks and rivers carry them to the sea. When seawater "
     "evaporates the salts stay behind, so over millions of years they have built up to about "
     "3.5 percent of ocean water."),
    ("technology", "How does the internet work?", "how the internet works",
     "Bagaimanakah internet berfungsi?", "¿Cómo funciona internet?",
     "The internet is a global network of networks. Data is split into small packets that "
     "carry addresses, and routers pass each packet along cables, fibre and radio links until "
     "it reaches its destination, where the packets are reassembled."),
    ("technology", "How does GPS find my location?", "how GPS finds a location",
     "Bagaimanakah GPS mencari lokasi saya?", "¿Cómo encuentra el GPS mi ubicación?",
     "GPS satellites broadcast the precise time and their position. Your receiver measures how "
     "long the signals from at least four satellites take to arrive, turns those delays into "
     "distances and works out the one point that fits them all."),
    ("technology", "Why do batteries run out?", "why batteries run out",
     "Mengapakah bateri kehabisan kuasa?", "¿Por qué se agotan las baterías?",
     "A battery stores energy in chemicals that react to push electrons through a circuit. As "
     "it is used, the reactants turn into products that cannot react further, so the voltage "
     "drops until it is flat; recharging reverses the reaction."),
    ("economics", "Why does inflation happen?", "why inflation happens",
     "Mengapakah inflasi berlaku?", "¿Por qué ocurre la inflación?",
     "Inflation happens when prices rise across the economy, usually because demand grows "
     "faster than supply, because costs such as energy or wages rise, or because too much "
     "money chases too few goods. Central banks raise interest rates to slow it down."),
    ("economics", "How do banks create money?", "how banks create money",
     "Bagaimanakah bank mencipta wang?", "¿Cómo crean dinero los bancos?",
     "When a commercial bank makes a loan it credits the borrower's account with a new "
     "deposit, which is new money. Regulation, capital requirements, central bank interest "
     "rates and the demand for loans limit how much they create."),
    ("psychology", "Why do people procrastinate?", "why people procrastinate",
     "Mengapakah orang suka bertangguh?", "¿Por qué la gente procrastina?",
     "Procrastination is mostly about managing emotions rather than time. Tasks that feel "
     "boring, hard or stressful trigger an urge for short-term relief, so people put them off "
     "even though they know it will cost them later."),
    ("psychology", "How do habits form?", "how habits form",
     "Bagaimanakah tabiat terbentuk?", "¿Cómo se forman los hábitos?",
     "A habit forms when a cue, a routine and a reward are repeated together until the brain "
     "links them. The behaviour then shifts to automatic circuits, so the cue triggers the "
     "routine with little conscious thought."),
    ("language", "Why is English spelling so irregular?", "why English spelling is so irregular",
     "Mengapakah ejaan bahasa Inggeris tidak teratur?",
     "¿Por qué la ortografía del inglés es tan irregular?",
     "English spelling was largely fixed by early printers in the fifteenth century, just as "
     "pronunciation was changing in the Great Vowel Shift. English also borrowed many words "
     "from French, Latin and Greek and kept their original spellings."),
    ("language", "How do children learn to speak?", "how children learn to speak",
     "Bagaimanakah kanak-kanak belajar bercakap?", "¿Cómo aprenden a hablar los niños?",
     "Babies first tune in to the sounds of the language around them, then babble, then say "
     "single words around their first birthday. By hearing lots of speech and interacting with "
     "caregivers they pick up grammar and start building sentences."),
    ("sports", "Why do athletes train at high altitude?", "why athletes train at high altitude",
     "Mengapakah atlet berlatih di kawasan tanah tinggi?",
     "¿Por qué los atletas entrenan en altura?",
     "Air at altitude holds less oxygen, so the body responds by producing more red blood "
     "cells. Back at sea level the extra oxygen-carrying capacity can improve an athlete's "
     "endurance for a few weeks."),
    ("sports", "Why do runners warm up before a race?", "why runners warm up before a race",
     "Mengapakah pelari memanaskan badan sebelum perlumbaan?",
     "¿Por qué los corredores calientan antes de una carrera?",
     "A warm-up raises muscle temperature and heart rate gradually, which makes muscles more "
     "elastic, improves blood flow and lowers the risk of strains. It also primes the nervous "
     "system so movements are quicker and better coordinated."),
    ("music", "Why do some songs get stuck in our heads?",
     "why some songs get stuck in our heads",
     "Mengapakah sesetengah lagu terngiang-ngiang di kepala kita?",
     "¿Por qué algunas canciones se nos quedan en la cabeza?",
     "Earworms are usually simple, repetitive tunes with a small unusual twist. The brain "
     "replays short fragments it heard recently, especially when we are tired or unfocused, as "
     "if trying to complete an unfinished loop."),
    ("music", "How does a guitar make sound?", "how a guitar makes sound",
     "Bagaimanakah gitar menghasilkan bunyi?", "¿Cómo produce sonido una guitarra?",
     "Plucking a string makes it vibrate at a frequency set by its length, tension and "
     "thickness. The vibration passes through the bridge into the hollow wooden body, which "
     "amplifies the sound so we can hear it."),
    ("art", "Why is the Mona Lisa so famous?", "why the Mona Lisa is so famous",
     "Mengapakah Mona Lisa begitu terkenal?", "¿Por qué es tan famosa la Mona Lisa?",
     "Leonardo da Vinci's soft shading, the mysterious smile and the lifelike portrait were "
     "admired from the start. Its theft from the Louvre in 1911 and the worldwide news "
     "coverage made it the most recognised painting on Earth."),
    ("environment", "Why are coral reefs dying?", "why coral reefs are dying",
     "Mengapakah terumbu karang semakin mati?",
     "¿Por qué se están muriendo los arrecifes de coral?",
     "Warmer seas make corals expel the algae that live in their tissues and feed them, which "
     "is called bleaching. Ocean acidification, pollution, overfishing and physical damage add "
     "to the stress, so many reefs cannot recover."),
    ("environment", "How does recycling help the environment?",
     "how recycling helps the environment",
     "Bagaimanakah kitar semula membantu alam sekitar?",
     "¿Cómo ayuda el reciclaje al medio ambiente?",
     "Recycling turns used materials into new products, so fewer raw materials have to be "
     "mined, logged or drilled. That saves energy, cuts greenhouse gas emissions and reduces "
     "the waste sent to landfills and incinerators."),
    ("weather", "How do thunderstorms form?", "how thunderstorms form",
     "Bagaimanakah ribut petir terbentuk?", "¿Cómo se forman las tormentas eléctricas?",
     "Thunderstorms form when warm, moist air rises quickly into colder air. The vapour "
     "condenses into towering clouds, and collisions between ice particles separate electric "
     "charge until lightning discharges it, heating the air so fast that it makes thunder."),
    ("weather", "Why does it rain?", "why it rains",
     "Mengapakah hujan turun?", "¿Por qué llueve?",
     "Water evaporates from oceans, lakes and plants and rises as vapour. Higher up the air "
     "cools, the vapour condenses on tiny dust particles into cloud droplets, and when the "
     "droplets merge and grow heavy enough they fall as rain."),
    ("finance", "Why should I start saving for retirement early?",
     "why saving for retirement early matters",
     "Mengapakah saya perlu mula menyimpan untuk persaraan lebih awal?",
     "¿Por qué debería empezar a ahorrar para la jubilación pronto?",
     "Money invested early has more time to grow through compound returns, where earnings "
     "generate their own earnings. Starting in your twenties rather than your forties can more "
     "than double the final amount for the same monthly saving."),
    ("finance", "How does a credit score work?", "how a credit score works",
     "Bagaimanakah skor kredit berfungsi?", "¿Cómo funciona una puntuación de crédito?",
     "A credit score summarises your borrowing history as a number. Paying bills on time, "
     "keeping balances low compared with your limits and having a long history raise it, "
     "while missed payments and many new applications lower it."),
]

BASE_QUESTIONS: tuple[BaseQuestion, ...] = tuple(BaseQuestion(*row) for row in _ROWS)
TOPICS: tuple[str, ...] = tuple(sorted({q.topic for q in BASE_QUESTIONS}))


_BY_ENGLISH = {q.en: q for q in BASE_QUESTIONS}


def translate(text: str, language: str) -> str:
    """The lab's translator: the phrasebook's own Malay or Spanish wording, else the text.

    It knows only the questions it was written with; anything else comes back unchanged (a
    real generator translates anything).
    """
    q = _BY_ENGLISH.get(text.strip())
    lang = language.strip().lower()
    if q is None:
        return text
    if lang in ("malay", "ms", "bahasa melayu", "bahasa malaysia"):
        return q.ms
    if lang in ("spanish", "es", "español"):
        return q.es
    return text
