## The form's fields and the messages about what was typed in them.

field-full_name = Полное имя
field-email = Адрес электронной почты
field-country = Страна
field-organization = Организация
field-designation = Должность
field-phone = Телефон
field-consent = Согласие
# The honeypot's label tells people (and screen readers) to skip it.
field-website = Оставьте это поле пустым
field-program = Программа
field-any = Поле
# A field's label followed by its message, on the form and in its summary.
field-message = { $field }: { $message }

error-required = обязательное поле
error-text = должно быть текстом
error-too-long = не более { $max } { $max ->
        [one] символа
       *[other] символов
    }
error-control = не должно содержать управляющих символов
error-format-characters = не должно содержать невидимых символов форматирования (знаков направления текста, пробелов нулевой ширины)
error-joiner = может содержать соединитель или разъединитель нулевой ширины только между двумя буквами
error-web-address = должно быть именем, а не веб-адресом (без ://, www. и доменов вида example.com)
error-email = должно быть одним адресом электронной почты вида name@example.org
error-phone-characters = может содержать только цифры, пробелы и + - ( )
error-phone-digits = должно содержать цифры
error-country-code = должно быть двухбуквенным кодом страны по ISO 3166-1
error-country-unknown = не является известным кодом страны по ISO 3166-1
error-consent = необходимо для регистрации (отметьте поле согласия)
error-program-unknown = не является программой, открытой для регистрации
error-program-required = обязательное поле: открыто несколько программ, укажите ту, на которую Вы регистрируетесь
