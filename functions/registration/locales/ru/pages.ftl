## The pages' frame, the registration form and the pages the form leads to.

org-name = Совместный учебный центр BTBU-ECOSF
# This language's name in itself, for the language switcher.
language-name = Русский
language-switcher = Язык
page-title-form = Регистрация · { $title }
page-title-message = { $heading } · { $title }
page-back-to-form = Вернуться к регистрационной форме
# A page's title when no program can be named (a link that names none).
registration-title = Регистрация
# Before the organizers' contact address on the form.
form-questions = Вопросы:
programs-choose = Выберите программу, чтобы зарегистрироваться на неё.

form-when = Вебинар в Zoom: { $starts }.
form-closes = Регистрация закрывается: { $closes }.
form-welcome = Приглашаем предпринимателей из стран «Пояса и пути» и государств — членов ОЭС, а также из любых других стран. Зарегистрируйтесь ниже: мы пришлём Вам по электронной почте ссылку для подтверждения, а перед вебинаром — ссылку на Zoom.
form-error-summary = Пожалуйста, исправьте следующее:
form-optional = (необязательно)
form-phone-hint = (необязательно: цифры, пробелы, +, -, скобки)
form-country-choose = Выберите страну
form-country-eco = Государства — члены ОЭС
form-country-all = Все страны
form-consent = Я даю согласие на то, чтобы { $host } хранил эти данные для проведения учебной программы и писал мне о ней по электронной почте. Данные удаляются через { $days } { $days ->
        [one] день
        [few] дня
       *[other] дней
    } после вебинара.
form-submit = Зарегистрироваться

registered-heading = Проверьте электронную почту
registered-sent = Благодарим за регистрацию. Мы отправили Вам письмо со ссылкой для подтверждения регистрации.
registered-spam = Откройте эту ссылку, чтобы подтвердить регистрацию. Если письмо не придёт в течение нескольких минут, проверьте папку «Спам».

closed-heading = Регистрация закрыта
closed-when = Регистрация закрылась { $closes }. Вебинар состоится { $starts }.
closed-zoom = Зарегистрированные участники получат ссылку на Zoom по электронной почте перед вебинаром.
not-open-heading = Регистрация ещё не открыта
not-open-when = Регистрация откроется { $opens }. Вебинар состоится { $starts }.
programs-heading = Программы, открытые для регистрации
programs-item = { $title }: начало { $starts }, регистрация до { $closes }.
