# workbench messages (ru): one file per area of the interface, same ids in every language.
wb-list-title = Дела
wb-case-title = Дело
wb-untitled = (дело без названия)
wb-search = Поиск по названию
wb-filter-status = Статус
wb-filter-any-status = Любой статус
wb-filter-scope = Дела
wb-scope-all = Все доступные мне
wb-scope-mine = Назначенные мне
wb-scope-unassigned = Не назначенные
wb-filter-apply = Показать
wb-no-cases = Подходящих дел нет.
wb-pages = Страницы
wb-page-prev = Предыдущая страница
wb-page-next = Следующая страница
wb-cases-shown = { $count ->
    [one] { $count } дело на этой странице
    [few] { $count } дела на этой странице
    [many] { $count } дел на этой странице
   *[other] { $count } дела на этой странице
}
wb-next-deadline = Ближайший срок: { $date }
wb-deadline-overdue = { $count ->
    [one] Просрочено на { $count } день ({ $date })
    [few] Просрочено на { $count } дня ({ $date })
    [many] Просрочено на { $count } дней ({ $date })
   *[other] Просрочено на { $count } дня ({ $date })
}
wb-unassigned = Не назначено
wb-status-new = Новое
wb-status-open = В работе
wb-status-waiting = Ждём заявителя
wb-status-closed = Закрыто
wb-urgency-calm = Ничего не горит
wb-urgency-later = Сроки впереди
wb-urgency-red-document = Документ отклонён
wb-urgency-due-soon = Скоро срок
wb-urgency-new = Новая заявка
wb-urgency-lost-ground = Утрачено основание пребывания
wb-urgency-overdue = Срок пропущен
wb-back-to-list = ← Все дела
wb-sections = Разделы дела
wb-status-label = Статус
wb-adviser-label = Консультант
wb-applicant-linked = У заявителя есть учётная запись
wb-assessment-title = Оценка
wb-assessment-none = Сохранённой оценки пока нет. Запустите её, чтобы сохранить вместе с версией свода правил и датой.
wb-assessment-provenance = Свод правил { $pack }, версия { $version }, правила на { $date }; выполнена { $when }, кто: { $who }.
wb-assessment-stale = После этой оценки изменились факты или свод правил: запустите её снова.
wb-route = Основание
wb-verdict = Вывод
wb-verdict-absent = не оценивалось
wb-diff-title = Изменения с предыдущей оценки
wb-diff-none = Ни одно основание не изменилось.
wb-rerun = Запустить оценку снова
wb-timeline-title = Хронология
wb-timeline-desc = Периоды статуса — полосами, сроки — отметками (пропущенные — красным), линия сегодняшнего дня и путь к постоянному проживанию и гражданству впереди.
wb-timeline-table = Хронология в виде таблицы
wb-timeline-empty = Пока нет ни одной даты: добавьте в дело периоды статуса и события.
wb-lane-status = Статус
wb-lane-deadlines = Сроки
wb-lane-path = Путь вперёд
wb-tl-when = Когда
wb-tl-what = Что
wb-tl-state = Состояние
wb-tl-status = действующий статус
wb-tl-path = самый ранний возможный шаг
wb-tl-state-overdue = пропущено
wb-tl-state-due-soon = скоро срок
wb-tl-state-later = позже
wb-tl-state-available = можно уже сейчас
wb-tl-state-done = выполнено
wb-today = Сегодня, { $date }
wb-facts-title = Факты
wb-facts-save = Сохранить факты
wb-facts-error = Некоторые ответы не удалось сохранить; см. отмеченные ниже поля.
wb-facts-refused = Некоторые сохранённые ответы не подходят к текущему своду правил и оставлены без изменений:
wb-fact-not-answered = — нет ответа —
wb-fact-unknown = Не знаю
wb-fact-none = ничего
wb-fact-several = Отметьте все подходящие варианты; если ответа нет, оставьте всё пустым.
wb-fact-invalid = Этот ответ не подходит: { $reason }
wb-by-public = публичный подбор
wb-history-title = История фактов
wb-history-version = Версия
wb-history-no-change = Первые ответы.
wb-documents-title = Документы
wb-notes-title = Заметки
wb-notes-none = Заметок пока нет.
wb-note-add = Добавить заметку
wb-note-save = Добавить заметку
wb-note-error = Сначала напишите заметку (не больше 10 000 знаков).
wb-assign-title = Назначение
wb-assign-save = Сохранить назначение
wb-invite-title = Пригласить заявителя
wb-invite-text = Создайте ссылку, по которой заявитель заведёт учётную запись и увидит это дело. Ссылка срабатывает один раз и действует семь дней.
wb-invite-make = Создать ссылку-приглашение
wb-invite-made = Скопируйте ссылку сейчас — она показывается только один раз и действует семь дней:
wb-conflict-title = Дело изменил кто-то другой
wb-conflict-text = После того как вы открыли дело, его изменил кто-то другой ({ $when }). Ваши изменения не сохранены, поэтому ничего не перезаписано. Откройте дело заново, чтобы увидеть текущее состояние, и повторите изменение.
wb-conflict-reload = Открыть текущее дело
wb-users-title = Пользователи
wb-invite-adviser-title = Пригласить консультанта
wb-invite-adviser = Создать ссылку-приглашение для консультанта
wb-user-name = Имя
wb-user-email = Эл. почта
wb-user-role = Роль
wb-user-state = Учётная запись
wb-user-active = активна
wb-user-disabled = отключена
wb-user-disable = Отключить
wb-user-enable = Включить
wb-role-applicant = заявитель
wb-role-adviser = консультант
wb-role-admin = администратор
