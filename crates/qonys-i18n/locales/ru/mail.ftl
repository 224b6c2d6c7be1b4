# mail messages (ru): one file per area of the interface, same ids in every language.

# Напоминания о сроках. $days: целых дней от сегодня до срока (0 = сегодня).
mail-deadline-subject = { $days ->
    [0] Срок сегодня: { $title }
    [1] Срок завтра: { $title }
    [one] Срок через { $days } день: { $title }
    [few] Срок через { $days } дня: { $title }
   *[many] Срок через { $days } дней: { $title }
}
mail-greeting = Здравствуйте, { $name }!
mail-deadline-intro-applicant = приближается срок по вашему делу о проживании.
mail-deadline-intro-adviser = приближается срок по делу «{ $case }», которое вы ведёте.
mail-deadline-what = Срок: { $title }
mail-deadline-due = Дата: { $date } ({ $when })
mail-deadline-when = { $days ->
    [0] сегодня
    [1] завтра
    [one] через { $days } день
    [few] через { $days } дня
   *[many] через { $days } дней
}
mail-deadline-action = Что сделать: { $action }
mail-deadline-uncertain = Уточните: { $confirm }
mail-deadline-done = Если это уже сделано, сообщите вашему консультанту, чтобы это отметили в деле.
mail-deadline-done-adviser = Если это уже сделано, отметьте это в деле, и напоминания прекратятся.
mail-footer = Это напоминание отправлено системой qonys. qonys даёт рекомендации, но не является юридическим представительством; войдите в qonys, чтобы открыть дело.
