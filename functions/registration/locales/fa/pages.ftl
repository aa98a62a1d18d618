## The pages' frame, the registration form and the pages the form leads to.

org-name = مرکز آموزش مشترک BTBU-ECOSF
# This language's name in itself, for the language switcher.
language-name = فارسی
language-switcher = زبان
page-title-form = ثبت‌نام · { $title }
page-title-message = { $heading } · { $title }
page-back-to-form = بازگشت به فرم ثبت‌نام
# A page's title when no program can be named (a link that names none).
registration-title = ثبت‌نام
# Before the organizers' contact address on the form.
form-questions = پرسش‌ها:
programs-choose = برای ثبت‌نام، یکی از دوره‌ها را انتخاب کنید.

form-when = وبینار در Zoom: { $starts }.
form-closes = پایان مهلت ثبت‌نام: { $closes }.
form-welcome = از کارآفرینان کشورهای «کمربند و جاده» و کشورهای عضو اکو، و نیز از هر جای دیگر، استقبال می‌کنیم. لطفاً در ادامه ثبت‌نام کنید؛ ابتدا پیوند تأیید و سپس، پیش از وبینار، پیوند Zoom را برایتان ایمیل می‌کنیم.
form-error-summary = لطفاً موارد زیر را اصلاح کنید:
form-optional = (اختیاری)
form-phone-hint = (اختیاری: رقم، فاصله، +، -، پرانتز)
form-country-choose = کشور خود را انتخاب کنید
form-country-eco = کشورهای عضو اکو
form-country-all = همهٔ کشورها
form-consent = موافقم که { $host } این اطلاعات را برای برگزاری این دورهٔ آموزشی نگه دارد و دربارهٔ آن به من ایمیل بزند. این اطلاعات { $days } روز پس از وبینار حذف می‌شود.
form-submit = ثبت‌نام

registered-heading = ایمیل خود را بررسی کنید
registered-sent = از ثبت‌نام شما سپاسگزاریم. ایمیلی حاوی پیوند تأیید ثبت‌نام برایتان فرستادیم.
registered-spam = برای تأیید، آن پیوند را باز کنید. اگر ایمیل تا چند دقیقهٔ دیگر نرسید، پوشهٔ هرزنامه را بررسی کنید.

closed-heading = ثبت‌نام بسته شده است
closed-when = ثبت‌نام در { $closes } بسته شد. وبینار در { $starts } برگزار می‌شود.
closed-zoom = شرکت‌کنندگان ثبت‌نام‌شده پیش از وبینار پیوند Zoom را با ایمیل دریافت می‌کنند.
not-open-heading = ثبت‌نام هنوز آغاز نشده است
not-open-when = ثبت‌نام در { $opens } آغاز می‌شود. وبینار در { $starts } برگزار می‌شود.
programs-heading = دوره‌هایی که ثبت‌نامشان باز است
programs-item = { $title }: آغاز در { $starts }؛ پایان ثبت‌نام در { $closes }.
