## The pages' frame, the registration form and the pages the form leads to.

org-name = BTBU-ECOSF Joint Training Center
# This language's name in itself, for the language switcher.
language-name = English
language-switcher = Language
page-title-form = Register · { $title }
page-title-message = { $heading } · { $title }
page-back-to-form = Back to the registration form
# A page's title when no program can be named (a link that names none).
registration-title = Registration
# Before the organizers' contact address on the form.
form-questions = Questions:
programs-choose = Choose a program to register for it.

form-when = A Zoom webinar on { $starts }.
form-closes = Registration closes on { $closes }.
form-welcome = Entrepreneurs from the Belt and Road and ECO member countries, and from anywhere else, are welcome. Register below; we will email you a link to confirm, then the Zoom link before the webinar.
form-error-summary = Please correct the following:
form-optional = (optional)
form-phone-hint = (optional: digits, spaces, +, -, parentheses)
form-country-choose = Choose your country
form-country-eco = ECO member states
form-country-all = All countries
form-consent = I agree that { $host } stores these details to run this training program and emails me about it. They are deleted { $days ->
        [one] one day
       *[other] { $days } days
    } after the webinar.
form-submit = Register

registered-heading = Check your email
registered-sent = Thank you for registering. We have sent you an email with a link to confirm your registration.
registered-spam = Open that link to confirm. If the email does not arrive within a few minutes, look in your spam folder.

closed-heading = Registration is closed
closed-when = Registration closed on { $closes }. The webinar takes place on { $starts }.
closed-zoom = Registered participants receive the Zoom link by email before the webinar.
not-open-heading = Registration has not opened yet
not-open-when = Registration opens on { $opens }. The webinar takes place on { $starts }.
programs-heading = Programs open for registration
programs-item = { $title }: starts on { $starts }, registration closes on { $closes }.
