# mail messages (kk): one file per area of the interface, same ids in every language.

# Мерзім туралы еске салғыштар. $days: бүгіннен мерзімге дейінгі толық күндер (0 = бүгін).
# Қазақ тілінде сан есімнен кейін зат есім көпше түрде тұрмайды: «1 күннен», «5 күннен».
mail-deadline-subject = { $days ->
    [0] Мерзімі бүгін: { $title }
    [1] Мерзімі ертең: { $title }
   *[other] Мерзіміне { $days } күн қалды: { $title }
}
mail-greeting = Сәлеметсіз бе, { $name }!
mail-deadline-intro-applicant = тұру туралы ісіңіз бойынша мерзім жақындап келеді.
mail-deadline-intro-adviser = сіз жүргізетін «{ $case }» ісі бойынша мерзім жақындап келеді.
mail-deadline-what = Мерзім: { $title }
mail-deadline-due = Күні: { $date } ({ $when })
mail-deadline-when = { $days ->
    [0] бүгін
    [1] ертең
   *[other] { $days } күннен кейін
}
mail-deadline-action = Не істеу керек: { $action }
mail-deadline-uncertain = Нақтылаңыз: { $confirm }
mail-deadline-done = Егер бұл орындалған болса, іске белгі қойылуы үшін кеңесшіңізге хабарлаңыз.
mail-deadline-done-adviser = Егер бұл орындалған болса, оны іске белгілеңіз, сонда еске салғыштар тоқтайды.
mail-footer = Бұл еске салғышты qonys жүйесі жіберді. qonys кеңес береді, бірақ заңды өкілдік етпейді; істі көру үшін qonys жүйесіне кіріңіз.
