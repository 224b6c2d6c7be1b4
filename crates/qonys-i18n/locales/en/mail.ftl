# mail messages (en): one file per area of the interface, same ids in every language.

# Deadline reminders. $days: whole days from today to the due date (0 = today).
mail-deadline-subject = { $days ->
    [0] Due today: { $title }
    [one] Due tomorrow: { $title }
   *[other] Due in { $days } days: { $title }
}
mail-greeting = Hello { $name },
mail-deadline-intro-applicant = a deadline in your residence case is coming up.
mail-deadline-intro-adviser = a deadline in the case “{ $case }” that you advise on is coming up.
mail-deadline-what = Deadline: { $title }
mail-deadline-due = Due date: { $date } ({ $when })
mail-deadline-when = { $days ->
    [0] today
    [one] tomorrow
   *[other] in { $days } days
}
mail-deadline-action = What to do: { $action }
mail-deadline-uncertain = Please confirm: { $confirm }
mail-deadline-done = If this is already done, let your adviser know so that it is recorded in the case.
mail-deadline-done-adviser = If this is already done, record it in the case and the reminders will stop.
mail-footer = This reminder was sent by qonys. qonys gives guidance, not legal representation; sign in to qonys to see the case.
