# portal messages (ru): one file per area of the interface, same ids in every language.

## Документы (раздел консультанта и список заявителя)
doc-section-title = Документы
doc-checklist-for = Перечень для основания: { $route }
doc-none = Для этого дела пока не указано ни одного документа.
doc-status-requested = Запрошен
doc-status-received = Получен, ждёт проверки
doc-status-verified = Проверен
doc-status-rejected = Отклонён
doc-status-not-requested = Ещё не запрошен
doc-status-not-uploaded = Ещё не загружен
doc-rejected-because = Отклонён: { $reason }
doc-size-mb = { $size } МБ
doc-size-kb = { $size } КБ
doc-download = Скачать файл ({ $size })
doc-verify = Отметить как проверенный
doc-reason-label = Причина отклонения
doc-reject = Отклонить
doc-delete = Удалить документ и его файл
doc-request = Запросить этот документ
doc-request-other = Запросить другой документ
doc-file-label = Файл (PDF, JPEG или PNG)
doc-file-label-for = Файл для «{ $document }» (PDF, JPEG или PNG)
doc-file-help = PDF, JPEG или PNG, не больше 10 МБ. Файлы хранятся в зашифрованном виде.
doc-upload = Загрузить
doc-findings-title = Расхождения между документами
doc-problem-title = Не удалось сохранить документ
doc-back = Вернуться к делу
doc-error-no-key = На этом сервере не настроен ключ шифрования документов, поэтому он не может принимать документы. Попросите администратора задать ключ (qonys serve --document-key-file).
doc-error-too-large = Файл слишком большой: документ может занимать не больше 10 МБ. Пришлите скан или фото меньшего размера.
doc-error-malformed = Не удалось прочитать загрузку. Выберите файл ещё раз и отправьте форму снова.
doc-error-no-file = Файл не выбран. Выберите файл PDF, JPEG или PNG.
doc-error-type = Такой файл принять нельзя: пришлите файл PDF, JPEG или PNG.
doc-error-kind = Такого документа qonys не знает. Выберите документ из списка.
doc-error-reason = Укажите, почему документ отклонён (не больше 1000 знаков).
doc-error-verified = Этот документ уже проверен, поэтому его файл нельзя заменить. Если его нужно изменить, обратитесь к своему консультанту.

## Кабинет заявителя
portal-title = Моё дело
portal-no-case = К вашей учётной записи пока не привязано ни одного дела. Консультант пришлёт вам ссылку-приглашение.
portal-choose-case = У вас несколько дел. Выберите одно:
portal-sections = Разделы страницы
portal-questions-title = Вопросы к вам
portal-questions-left = { $count ->
    [one] Остался примерно { $count } вопрос
    [few] Осталось примерно { $count } вопроса
    [many] Осталось примерно { $count } вопросов
   *[other] Осталось примерно { $count } вопроса
}
portal-answered = { $count ->
    [one] Пока дан { $count } ответ
    [few] Пока дано { $count } ответа
    [many] Пока дано { $count } ответов
   *[other] Пока дано { $count } ответа
}
portal-save-answer = Сохранить ответ
portal-no-questions = Сейчас вопросов к вам нет.
portal-conflict = Пока вы отвечали, дело изменил кто-то другой, поэтому ваш ответ не сохранён. Ниже — дело в его нынешнем виде: ответьте, пожалуйста, ещё раз.
portal-deadlines-title = Сроки
portal-no-deadlines = Для вашего дела сроки пока неизвестны.
portal-deadline-overdue = Просрочено
portal-deadline-due-soon = Скоро срок
portal-deadline-later = Позже
portal-deadline-available = Уже можно
portal-deadline-done = Выполнено
