# portal messages (kk): one file per area of the interface, same ids in every language.

## Құжаттар (кеңесшінің бөлімі және өтініш берушінің тізімі)
doc-section-title = Құжаттар
doc-checklist-for = Негіз бойынша тізбе: { $route }
doc-none = Бұл іс үшін әзірге бірде-бір құжат көрсетілмеген.
doc-status-requested = Сұралды
doc-status-received = Алынды, тексеруді күтуде
doc-status-verified = Тексерілді
doc-status-rejected = Қабылданбады
doc-status-not-requested = Әлі сұралмаған
doc-status-not-uploaded = Әлі жүктелмеген
doc-rejected-because = Қабылданбады: { $reason }
doc-size-mb = { $size } МБ
doc-size-kb = { $size } КБ
doc-download = Файлды жүктеп алу ({ $size })
doc-verify = Тексерілді деп белгілеу
doc-reason-label = Қабылдамау себебі
doc-reject = Қабылдамау
doc-delete = Құжатты және оның файлын жою
doc-request = Осы құжатты сұрау
doc-request-other = Басқа құжатты сұрау
doc-file-label = Файл (PDF, JPEG немесе PNG)
doc-file-label-for = «{ $document }» үшін файл (PDF, JPEG немесе PNG)
doc-file-help = PDF, JPEG немесе PNG, көп дегенде 10 МБ. Файлдар шифрланған түрде сақталады.
doc-upload = Жүктеу
doc-findings-title = Құжаттар арасындағы сәйкессіздіктер
doc-problem-title = Құжатты сақтау мүмкін болмады
doc-back = Іске оралу
doc-error-no-key = Бұл серверде құжаттарды шифрлау кілті бапталмаған, сондықтан ол құжаттарды қабылдай алмайды. Әкімшіден кілтті орнатуды сұраңыз (qonys serve --document-key-file).
doc-error-too-large = Файл тым үлкен: құжат көп дегенде 10 МБ болуы керек. Кішірек скан немесе фото жіберіңіз.
doc-error-malformed = Жүктелген файлды оқу мүмкін болмады. Файлды қайта таңдап, форманы тағы жіберіңіз.
doc-error-no-file = Файл таңдалмады. PDF, JPEG немесе PNG файлын таңдаңыз.
doc-error-type = Мұндай файлды қабылдау мүмкін емес: PDF, JPEG немесе PNG файлын жіберіңіз.
doc-error-kind = qonys мұндай құжатты білмейді. Тізімнен құжат таңдаңыз.
doc-error-reason = Құжаттың неге қабылданбағанын жазыңыз (көп дегенде 1000 таңба).
doc-error-verified = Бұл құжат тексеріліп қойған, сондықтан оның файлын ауыстыруға болмайды. Өзгерту керек болса, кеңесшіңізге хабарласыңыз.

## Өтініш берушінің кабинеті
portal-title = Менің ісім
portal-no-case = Есептік жазбаңызға әзірге бірде-бір іс байланыстырылмаған. Кеңесші сізге шақыру сілтемесін жібереді.
portal-choose-case = Сізде бірнеше іс бар. Біреуін таңдаңыз:
portal-sections = Беттің бөлімдері
portal-questions-title = Сізге сұрақтар
portal-questions-left = { $count ->
    [one] Шамамен { $count } сұрақ қалды
   *[other] Шамамен { $count } сұрақ қалды
}
portal-answered = { $count ->
    [one] Әзірге { $count } жауап берілді
   *[other] Әзірге { $count } жауап берілді
}
portal-save-answer = Жауапты сақтау
portal-no-questions = Қазір сізге сұрақ жоқ.
portal-conflict = Сіз жауап беріп жатқанда істі басқа біреу өзгертті, сондықтан жауабыңыз сақталмады. Төменде іс қазіргі күйінде көрсетілген: қайта жауап беріңіз.
portal-deadlines-title = Мерзімдер
portal-no-deadlines = Сіздің ісіңіз бойынша мерзімдер әзірге белгісіз.
portal-deadline-overdue = Мерзімі өтті
portal-deadline-due-soon = Мерзімі жақын
portal-deadline-later = Кейінірек
portal-deadline-available = Қазір болады
portal-deadline-done = Орындалды
