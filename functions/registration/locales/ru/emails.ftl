## The emails to a participant (subjects included) and the calendar invitation.

email-greeting = Здравствуйте, { $name }!
email-copy-link = Или скопируйте эту ссылку в браузер:
email-cancel-prompt = Если Вы не сможете принять участие, пожалуйста, отмените регистрацию, чтобы Ваше место перешло к следующему в листе ожидания:
email-cancel-link = Отменить регистрацию
email-join-button = Войти в вебинар в Zoom
email-join-text = Войдите в вебинар в Zoom по этой ссылке:

confirmation-subject = Пожалуйста, подтвердите регистрацию: { $title }
confirmation-thanks = Благодарим Вас за регистрацию на вебинар в Zoom «{ $title }», который состоится { $starts }.
confirmation-open-link = Пожалуйста, подтвердите регистрацию, открыв эту ссылку:
# The HTML part's button that opens the confirmation link.
confirmation-button = Подтвердить регистрацию
confirmation-next = После подтверждения мы пришлём Вам ссылку на Zoom по электронной почте до начала вебинара.
confirmation-not-me = Если Вы не регистрировались, просто не обращайте внимания на это письмо: больше писем не будет.
confirmation-delete = Чтобы удалить эту регистрацию сейчас, откройте:
confirmation-not-me-link = Это не моя регистрация

link-subject = Ваша ссылка на Zoom: { $title }
link-subject-promoted = Место Ваше, и вот ссылка на Zoom: { $title }
link-promoted = Освободилось место, и оно Ваше: Вы больше не в листе ожидания.
link-starts = Вебинар «{ $title }» начнётся { $starts } ({ $starts_utc }).
link-invitation = Приложенное приглашение добавит вебинар в Ваш календарь. Пожалуйста, никому не передавайте эту ссылку: это Ваше место.

promotion-subject = Место Ваше: { $title }
promotion-seat = На вебинаре в Zoom «{ $title }», который состоится { $starts }, освободилось место, и оно Ваше: Вы больше не в листе ожидания.
promotion-next = Мы пришлём Вам ссылку на Zoom по электронной почте до начала вебинара.

reminder-subject = Напоминание: скоро начнётся { $title }
reminder-starts = Напоминаем: вебинар «{ $title }» начнётся { $starts } ({ $starts_utc }).

# The first line of an organizer's notice, above their own words.
notice-intro = Сообщение от организаторов вебинара «{ $title }»:

# The calendar invitation's description; the link is the webinar's.
ics-description = Войти в вебинар: { $link }
