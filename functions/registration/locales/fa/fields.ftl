## The form's fields and the messages about what was typed in them.

field-full_name = نام کامل
field-email = نشانی ایمیل
field-country = کشور
field-organization = سازمان
field-designation = سمت
field-phone = تلفن
field-consent = رضایت
# The honeypot's label tells people (and screen readers) to skip it.
field-website = این بخش را خالی بگذارید
field-program = دوره
field-any = بخش
# A field's label followed by its message, on the form and in its summary.
field-message = { $field } { $message }

error-required = الزامی است
error-text = باید متن باشد
error-too-long = باید حداکثر { $max } نویسه باشد
error-control = نباید نویسه‌های کنترلی داشته باشد
error-format-characters = نباید نویسه‌های نامرئی قالب‌بندی (نشانه‌های جهت، فاصله‌های بی‌عرض) داشته باشد
error-joiner = اتصال‌دهندهٔ بی‌عرض یا نیم‌فاصله فقط میان دو حرف مجاز است
error-web-address = باید نام باشد، نه نشانی وب (بدون ://، www. یا دامنه‌ای مانند example.com)
error-email = باید یک نشانی ایمیل مانند name@example.org باشد
error-phone-characters = فقط می‌تواند رقم، فاصله و + - ( ) داشته باشد
error-phone-digits = باید رقم داشته باشد
error-country-code = باید کد دوحرفی کشور طبق ISO 3166-1 باشد
error-country-unknown = کد شناخته‌شده‌ای در ISO 3166-1 نیست
error-consent = برای ثبت‌نام لازم است (کادر رضایت را علامت بزنید)
error-program-unknown = دوره‌ای نیست که ثبت‌نامش باز باشد
error-program-required = الزامی است: ثبت‌نام چند دوره باز است؛ دوره‌ای را که برای آن ثبت‌نام می‌کنید مشخص کنید
