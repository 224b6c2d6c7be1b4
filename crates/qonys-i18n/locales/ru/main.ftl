verdict-fits = подходит
verdict-fits_with_conditions = подходит после выполнения шагов
verdict-needs_information = нужны сведения
verdict-does_not_fit = не подходит
outcome-met = выполнено
outcome-met_by_exception = выполнено по исключению
outcome-not_met = не выполнено
outcome-unknown = пока неизвестно
outcome-not_applicable = не применяется
outcome-not_in_force = не действует на эту дату
outcome-triggered = предупреждение
outcome-not_triggered = без предупреждения
outcome-trigger_unknown = возможно предупреждение
kind-temporary = временное пребывание
kind-permanent = постоянное проживание
kind-short_stay = краткосрочное пребывание
path-direct = ведёт к постоянному проживанию
path-indirect = ведёт к постоянному проживанию через другое основание
path-no = не ведёт к постоянному проживанию
heading-assessment = Основания для проживания на { $date } (пакет правил { $pack } { $version })
heading-route = { $rank }. { $name } — { $verdict }
label-permit = Разрешение
label-why = Почему
label-what-would-change = Что нужно, чтобы подошло
label-tell-us = Чтобы решить, сообщите
label-to-do = Осталось сделать
label-to-confirm = Уточнить в органах
label-warnings = Предупреждения
label-case-warnings = Предупреждения по делу в целом
label-sources = Источники
label-summary = Итог
label-exception = Исключение
label-route-not-in-force = На { $date } этого основания не существует.
label-now = сейчас: { $value }
label-unknown-value = неизвестно
label-one-of = одно из:
label-all-of = всё из:
label-or = или
need-compare = { $subject } { $op } { $target }
need-compare-eq = { $subject } — { $target }
need-compare-ne = { $subject } — не { $target }
need-one-of = { $subject } — одно из: { $options }
need-not-one-of = { $subject } — ни одно из: { $options }
need-includes = { $subject } включает «{ $option }»
need-not-includes = { $subject } не включает «{ $option }»
need-is-true = { $subject }: да
need-is-false = { $subject }: нет
need-exception = { $text }
op-eq = —
op-ne = — не
op-lt = меньше
op-le = не больше
op-gt = больше
op-ge = не меньше
value-yes = да
value-no = нет
count-routes-fit = { $count ->
    [one] подходит { $count } основание
    [few] подходят { $count } основания
   *[many] подходят { $count } оснований
}
footer-uncertain = Пункты с пометкой «уточнить» опираются на скудные или противоречивые источники: проверьте их в миграционной службе, прежде чем полагаться на них.
summary-best = Лучшее основание: { $name } ({ $verdict }).
summary-none = По указанным сведениям ни одно основание для проживания не подходит.
interview-intro = qonys спрашивает только то, от чего зависит, какие основания для проживания вам подходят, — по одному вопросу.
interview-progress = Вопрос { $number }, осталось около { $remaining }
interview-hint = Введите ?, если не знаете; ?why — зачем этот вопрос; ?back — вернуться назад; ?answers — просмотреть или изменить ответы.
interview-hint-yes-no = 1 — да, 2 — нет
interview-hint-choice = Введите номер варианта.
interview-hint-choices = Введите номера всех подходящих вариантов через запятую.
interview-hint-date = Дата в виде ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.
interview-hint-money = Сумма в { $currency }, например 5 000 000.
interview-hint-number = Число.
interview-hint-country = Страна: код ISO (DE, KZ, CN) или название.
interview-help-select = ↑↓ — выбор, Enter — ответить, Esc — назад
interview-help-multiselect = ↑↓ — выбор, пробел — отметить, Enter — подтвердить, Esc — назад
interview-earlier = Ваш прежний ответ: { $value }
interview-unknown = Не знаю
interview-why-option = Зачем этот вопрос?
interview-back-option = Назад
interview-why = От этого ответа зависит:
interview-why-line = { $route }: { $clause }
interview-back-none = Возвращаться некуда: это первый вопрос.
interview-set-aside = Ваш ответ о «{ $fact }» больше не важен и отложен.
interview-answers = Ваши ответы:
interview-change-usage = Введите ?change и номер ответа, например ?change 2.
interview-done = Вопросов больше нет: никакие другие сведения не изменят результат.
interview-ended = Опрос прерван до последнего вопроса; оценка ниже основана на уже данных ответах.
interview-saved = Дело сохранено в { $path }.
interview-resumed = Продолжаем с ответами из { $path } (ответов: { $count }).
answer-invalid-empty = Введите ответ или ?, если не знаете.
answer-invalid-yes-no = Ответьте «да» или «нет» (1 — да, 2 — нет).
answer-invalid-choice = Введите номер от 1 до { $count } или название варианта.
answer-invalid-choices = «{ $item }» — не вариант ответа: введите номера от 1 до { $count } через запятую.
answer-invalid-date = Введите дату в виде ГГГГ-ММ-ДД (например, 1990-05-01) или ДД.ММ.ГГГГ.
answer-invalid-number = Введите число.
answer-invalid-whole = Введите целое число.
answer-invalid-too-small = Введите не меньше { $min }.
answer-invalid-too-large = Введите не больше { $max }.
answer-invalid-negative = Сумма не может быть отрицательной.
answer-invalid-amount = Введите сумму в { $currency }, например 5 000 000.
answer-invalid-currency = Сумма должна быть в { $expected }, а введена в { $found }: пересчитайте её по курсу дня.
answer-invalid-country = Страны «{ $text }» нет в списке: введите её код ISO (DE, KZ, CN) или название.
answer-invalid-other = { $message }
# Web pages (qonys-web)
web-start-title = Какое основание для проживания в Казахстане вам подходит?
web-start-lead = qonys сверяет с вашей ситуацией все законные основания для проживания в Казахстане — работу, семью, учёбу, бизнес, самозанятость, инвестиции, цифровых кочевников, кандасов и постоянное проживание — и объясняет, какие подходят и почему.
web-start-point-routes = По каждому основанию: подходит ли оно, причины со ссылками на закон и что нужно, чтобы основание подошло.
web-start-point-questions = По одному вопросу за раз и только те вопросы, которые что-то решают. Ответ «Не знаю» всегда допустим.
web-start-point-private = Учётная запись не нужна. Ваши ответы передаются только вместе со страницами этого подбора и сохраняются, только если вы запишетесь на консультацию.
web-start-button = Начать подбор основания
web-start-note = qonys даёт ориентир, а не юридическое представительство. Он указывает версию свода правил и дату, на которую сделана оценка, и что нужно уточнить в миграционной службе.
web-skip = Перейти к содержанию
web-language = Язык
web-footer = qonys — открытая система подбора оснований для проживания в Казахстане. Ориентир, а не юридическое представительство.
web-start-again = Начать заново
web-home = На главную
web-not-found-title = Страница не найдена
web-not-found-text = По этому адресу нет страницы.
web-error-title = Что-то пошло не так
web-error-text = Сервер не смог показать эту страницу. Пожалуйста, начните заново.
web-bad-state-title = Не удалось прочитать ваши ответы
web-bad-state-text = Ответы, отправленные с этой страницей, повреждены или получены от другой версии qonys. Пожалуйста, начните заново.
web-hint-choices = Если ничего не подходит, ничего не отмечайте.
web-hint-date = Дата, например 1990-05-01.
web-choose-country = — выберите страну —
web-next = Далее
web-back = Назад
web-result-now = Показать результат по данным ответам
web-result-title = Ваши основания для проживания
web-glance-title = Основания рядом
web-glance-more = и ещё { $count }
web-col-route = Основание
web-col-verdict = Итог
web-col-path = Путь к постоянному проживанию
web-col-missing = Чего не хватает или что дальше
web-routes-title = Все основания подробно
web-route-not-in-force = На дату оценки такого основания нет.
web-your-answers = Ваши ответы
web-change-last = Изменить последний ответ
web-tier = уровень источника { $tier }
web-error-choose = Выберите ответ или нажмите «Не знаю».
web-error-empty = Введите ответ или нажмите «Не знаю».
web-consult-title = Записаться на консультацию
web-consult-lead = Консультант может проверить ваш случай и помочь с подачей. Ваши ответы выше отправляются вместе с заявкой, вводить их снова не придётся.
web-consult-name = Ваше имя
web-consult-contact = Эл. почта или телефон
web-consult-language = Предпочитаемый язык
web-consult-message = Сообщение (необязательно)
web-consult-privacy = Заявка и ответы сохраняются, чтобы консультант мог с вами связаться; третьим лицам они не передаются.
web-consult-send = Отправить заявку
web-consult-error-name = Введите ваше имя (не более 200 символов).
web-consult-error-contact = Введите адрес эл. почты или номер телефона, по которому с вами можно связаться.
web-consult-error-message = Сообщение слишком длинное: не более 4000 символов.
web-consult-done-title = Спасибо — ваша заявка получена
web-consult-done-text = Консультант свяжется с вами на выбранном языке. Повторная отправка формы не создаёт вторую заявку.
web-consult-reference = Номер заявки:
web-consult-failed = Не удалось сохранить заявку. Попробуйте ещё раз через несколько минут.
web-glance-permit = Разрешение: { $text }
web-glance-do = Сделать: { $text }
web-glance-ask = Уточнить: { $text }
web-glance-not-met = Не выполнено: { $text }

# Document chain: checklists and consistency checks (issue 3).
checklist-title = Документы по основанию: { $route }
checklist-filing = Дата подачи: { $date }
checklist-summary = { $required ->
    [one] Нужен { $required } документ
    [few] Нужны { $required } документа
   *[other] Нужно { $required } документов
}{ $maybe ->
    [0] {""}
   *[other] , ещё { $maybe } могут понадобиться
}.
checklist-provided-by = Кто представляет
checklist-by-applicant = вы
checklist-by-sponsor = приглашающий член семьи
checklist-by-employer = работодатель
checklist-by-institution = организация
checklist-required = обязательно
checklist-may-be-needed = может понадобиться — сообщите: { $facts }
checklist-why = Почему
checklist-formalities = Оформление
checklist-validity = Срок
checklist-formality-domestic = выдан в Казахстане: апостиль и легализация не нужны
checklist-formality-none = из страны «{ $country }»: апостиль и легализация не нужны ({ $treaty })
checklist-formality-apostille = из страны «{ $country }»: апостиль (конвенция действует с { $since })
checklist-formality-legalisation = из страны «{ $country }»: консульская легализация
checklist-formality-legalisation-until = из страны «{ $country }»: консульская легализация (апостиль — только с { $from })
checklist-formality-needs-information = из страны «{ $country }»: апостиль или легализация — неизвестно: { $reason }
checklist-formality-unknown-country = апостиль или легализация — в зависимости от страны выдачи
checklist-formality-none-needed = апостиль и легализация не нужны
checklist-country-presumed = предполагается по вашему гражданству
checklist-translation-needed = нотариально заверенный перевод на казахский или русский язык
checklist-translation-not-needed = перевод не нужен
checklist-translation-unknown = нотариально заверенный перевод на казахский или русский, если документ не на одном из них
checklist-earliest-issue = выдан не ранее { $date } (на дату подачи не старше { $days } дней)
checklist-valid-until = действителен как минимум до { $date } (более { $days } дней после подачи)
checklist-to-confirm = Уточнить
checklist-in-file = В вашем деле
checklist-not-in-file = в деле пока нет
checklist-not-needed = Вам не нужны
checklist-sources = Источники
checklist-no-documents = Для этого основания в пакете правил документы не указаны.
checklist-checkbox = готово
treaty-minsk_1993 = Минская конвенция 1993 г.
treaty-chisinau_2002 = Кишинёвская конвенция 2002 г.
treaty-bilateral = двусторонний договор
formality-reason-entry_into_force_unknown = дата вступления Гаагской конвенции об апостиле в силу для этой страны не проверена
formality-reason-country_not_in_data = этой страны нет в нашей (неполной) таблице участников конвенции об апостиле
check-title = Проверка документов на { $date }
check-summary = Ошибок: { $errors }, предупреждений: { $warnings }, замечаний: { $infos }.
check-none = В документах проблем не найдено.
check-document = документ { $n } ({ $kind })
check-severity-error = ошибка
check-severity-warning = предупреждение
check-severity-info = замечание
check-fields = Поля
field-holder_name = имя
field-date_of_birth = дата рождения
field-sex = пол
field-nationality = гражданство
field-expiry_date = дата окончания срока действия
field-number = номер документа
field-document_number = номер документа
field-birth_date = дата рождения
field-optional_data = дополнительные данные
field-composite = общая контрольная сумма
field-birth_date_invalid = дата рождения
field-expiry_date_invalid = дата окончания срока действия
field-sex_invalid = пол
check-name-case = Имя отличается от паспорта только регистром букв: «{ $other }» / в паспорте «{ $reference }».
check-name-diacritics = Имя написано с другими диакритическими знаками, чем в паспорте: «{ $other }» / в паспорте «{ $reference }»; перевод должен следовать паспорту.
check-name-hyphen_apostrophe = Дефисы или апострофы отличаются от паспорта: «{ $other }» / в паспорте «{ $reference }».
check-name-transliteration = Другая транслитерация того же имени: «{ $other }» / в паспорте «{ $reference }»; в переводе должно быть написание из паспорта.
check-name-cyrillic_spelling = Другое написание имени кириллицей: «{ $other }» / в паспорте «{ $reference }».
check-name-gendered_surname = Фамилия в форме другого рода: «{ $other }» / в паспорте «{ $reference }».
check-name-order_swapped = Части имени в другом порядке: «{ $other }» / в паспорте «{ $reference }».
check-name-patronymic_missing = Нет отчества: «{ $other }» / в паспорте «{ $reference }».
check-name-patronymic_extra = В этом документе есть отчество, которого нет в паспорте: «{ $other }».
check-name-given_name_missing = Не хватает одного из имён: «{ $other }» / в паспорте «{ $reference }».
check-name-given_name_extra = В этом документе лишнее имя: «{ $other }» / в паспорте «{ $reference }».
check-name-initials = Инициалы вместо полного имени: «{ $other }» / в паспорте «{ $reference }».
check-name-mixed_script = В имени смешаны похожие латинские и кириллические буквы: «{ $other }».
check-name-typo = Похоже на опечатку в имени: «{ $other }» / в паспорте «{ $reference }».
check-name-different = Это не имя из паспорта: «{ $other }» / в паспорте «{ $reference }».
check-name-unreadable = «{ $name }» не удаётся прочитать как имя.
check-mrz-unreadable = Машиносчитываемую зону не удаётся прочитать: { $detail }
check-mrz-check_digit = Машиносчитываемая зона, строка { $line }, позиция { $column }: контрольная цифра поля «{ $field }» — { $found }, а должна быть { $expected }.
check-mrz-field_invalid = Машиносчитываемая зона, строка { $line }, позиция { $column }: поле «{ $field }» недействительно.
check-mrz-mismatch = В машиносчитываемой зоне поле «{ $field }» — { $in_mrz }, а в документе — { $stated }.
check-date-dob_ambiguous = Дату рождения «{ $other }» можно прочитать двумя способами; в паспорте — { $reference }.
check-date-dob_swap = Дата рождения { $other } похожа на паспортную { $reference } с переставленными днём и месяцем.
check-date-dob_mismatch = Дата рождения { $other } не совпадает с паспортной ({ $reference }).
check-date-issued_after_filing = Выдан { $date }, позже даты подачи { $filing }.
check-date-issue_after_expiry = Выдан { $issued }, позже окончания собственного срока действия { $expires }.
check-date-event_after_filing = Удостоверенное событие ({ $date }) позже даты подачи { $filing }.
check-date-issued_before_event = Выдан { $issued }, раньше удостоверенного события ({ $event }).
check-date-event_before_birth = Удостоверенное событие ({ $date }) раньше рождения владельца ({ $birth }).
check-date-issued_before_birth = Выдан { $date }, раньше рождения владельца ({ $birth }).
check-date-expired = Срок действия истёк { $date }, до даты подачи { $filing }.
check-date-stale = Выдан { $issued }: на дату подачи ему { $days } дн., а для основания «{ $route }» допускается не более { $max }; нужен документ, выданный не ранее { $earliest }.
check-date-validity_too_short = Действителен до { $expires }: всего { $days } дн. после подачи, а для основания «{ $route }» нужно более { $min }.
check-formality-country_unknown = Не указана страна выдачи, поэтому нельзя определить, какое оформление нужно.
check-formality-apostille_missing = Документу из страны «{ $country }» на { $date } нужен апостиль; он не отмечен.
check-formality-legalisation_missing = Документу из страны «{ $country }» на { $date } нужна консульская легализация; она не отмечена.
check-formality-unverified = Неизвестно, нужен ли документу из страны «{ $country }» апостиль или легализация: { $reason }. Уточните в принимающем органе.
check-formality-translation_missing = Документ на языке «{ $language }»: нужен нотариально заверенный перевод на казахский или русский, а он не отмечен.
check-formality-language_unknown = Язык документа не указан: если он не на казахском или русском, нужен нотариально заверенный перевод.
plan-title = План на { $date }
plan-current = Текущий статус: { $status }{ $ground }, { $validity }.
plan-no-status = В истории дела нет статуса.
plan-current-ground = {" "}по основанию «{ $ground }»
plan-valid = действует с { $from } по { $until }
plan-valid-open = действует с { $from }, бессрочно
plan-status-visa = виза
plan-status-temporary-residence-permit = разрешение на временное проживание
plan-status-permanent-residence = постоянное проживание
plan-status-visa-free = безвизовое пребывание
plan-event-arrival = прибытие
plan-event-departure = выезд
plan-event-address-change = смена адреса
plan-event-registered = регистрация
plan-event-employment-start = начало работы
plan-event-employment-end = окончание работы
plan-event-enrolment-start = начало учёбы
plan-event-enrolment-end = окончание учёбы
plan-event-marriage = брак
plan-event-divorce = расторжение брака
plan-event-company-registered = регистрация компании
plan-event-capital-transferred = внесение капитала
plan-event-permit-issued = выдача разрешения
plan-event-permit-expired = истечение разрешения
plan-event-extension-filed = подача на продление
plan-event-certificate-issued = выдача справки
plan-event-application-filed = подача заявления
plan-trigger-status-start = начало: { $status }
plan-trigger-status-end = окончание: { $status }
plan-span-calendar-days = { $count ->
    [one] { $count } календарный день
    [few] { $count } календарных дня
    [many] { $count } календарных дней
   *[other] { $count } календарного дня
}
plan-span-working-days = { $count ->
    [one] { $count } рабочий день
    [few] { $count } рабочих дня
    [many] { $count } рабочих дней
   *[other] { $count } рабочего дня
}
plan-span-months = { $count ->
    [one] { $count } месяц
    [few] { $count } месяца
    [many] { $count } месяцев
   *[other] { $count } месяца
}
plan-span-years = { $count ->
    [one] { $count } год
    [few] { $count } года
    [many] { $count } лет
   *[other] { $count } года
}
plan-skip-weekend = выходные ({ $range })
plan-skip-day = { $name } ({ $range })
plan-and = и
plan-how = Расчёт
plan-how-trigger-date = { $trigger }:
plan-how-not-counted = сам этот день не считается
plan-how-skipping = без учёта: { $list }
plan-how-rolled = { $from } - нерабочий день ({ $why }), перенос на { $to }
plan-how-clamped = в месяце меньше дней, берётся его последний день { $date }
plan-how-uncovered = нет данных о праздниках за { $year } год: учтены только выходные
plan-how-stay = въезд { $entry }: { $stay }-й день этого пребывания, { $days } дн. за последние 180 (осталось { $left }) → последний день { $due }
plan-how-absence = { $used } из { $max } дн. за пределами Казахстана в этом году → вернуться не позднее { $due }
plan-section-overdue = ПРОСРОЧЕНО
plan-section-due-soon = СКОРО (в ближайшие 14 дней)
plan-section-later = ПОЗЖЕ
plan-section-available = МОЖНО УЖЕ СЕЙЧАС
plan-section-done = ВЫПОЛНЕНО
plan-days-left = { $count ->
    [one] через { $count } день
    [few] через { $count } дня
    [many] через { $count } дней
   *[other] через { $count } дня
}
plan-days-overdue = { $count ->
    [one] просрочено на { $count } день
    [few] просрочено на { $count } дня
    [many] просрочено на { $count } дней
   *[other] просрочено на { $count } дня
}
plan-today = сегодня
plan-if-applies = Применяется, только если выполнено его условие: из указанных фактов это не ясно.
plan-unless-done = Просрочено, если не было сделано без отметки: добавьте событие в историю дела.
plan-to-confirm-short = уточнить
plan-nothing = По указанной истории сроков нет.
plan-ground-lost = СРОЧНО: основание «{ $route }» прекратилось { $since }. Действуйте до { $due }.
plan-ground-suggest = Основания, подходящие при нынешних фактах:
plan-ground-none = При нынешних фактах другое основание не подходит; обратитесь к консультанту.
plan-paths = ПУТИ К ПОСТОЯННОМУ ПРОЖИВАНИЮ И ГРАЖДАНСТВУ
plan-step-citizenship = гражданство
plan-step-held = { $name } (с { $date })
plan-step-from = { $name } (с { $date })
plan-step-undated = { $name } (дата открыта)
plan-step-needs = требуется
plan-uncovered = Праздники на { $year } год ещё не внесены: за этот год учтены только выходные.
interview-answers-option = Просмотреть или изменить ответы
interview-continue-option = Продолжить опрос
interview-change-which = Какой ответ вы хотите изменить?
checklist-in-file-entry = запись № { $n } в файле дела
web-change-answer = Изменить
web-checklist-title = Документы для основания «{ $route }»
