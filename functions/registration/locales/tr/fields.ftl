## The form's fields and the messages about what was typed in them.

field-full_name = Ad soyad
field-email = E-posta adresi
field-country = Ülke
field-organization = Kurum
field-designation = Unvan
field-phone = Telefon
field-consent = Onay
# The honeypot's label tells people (and screen readers) to skip it.
field-website = Bu alanı boş bırakın
field-program = Program
field-any = Alan
# A field's label followed by its message, on the form and in its summary.
field-message = { $field }: { $message }

error-required = zorunludur
error-text = metin olmalıdır
error-too-long = en fazla { $max } karakter olmalıdır
error-control = denetim karakterleri içermemelidir
error-format-characters = görünmez biçimlendirme karakterleri (yön işaretleri, sıfır genişlikli boşluklar) içermemelidir
error-joiner = sıfır genişlikli birleştirici veya ayırıcı yalnızca iki harf arasında bulunabilir
error-web-address = bir ad olmalıdır, web adresi değil (://, www. veya example.com gibi bir alan adı olmadan)
error-email = name@example.org gibi tek bir e-posta adresi olmalıdır
error-phone-characters = yalnızca rakam, boşluk ve + - ( ) içerebilir
error-phone-digits = rakam içermelidir
error-country-code = iki harfli bir ISO 3166-1 ülke kodu olmalıdır
error-country-unknown = bilinen bir ISO 3166-1 ülke kodu değildir
error-consent = kayıt için gereklidir (onay kutusunu işaretleyin)
error-program-unknown = kayıtları açık bir program değildir
error-program-required = zorunludur: birden fazla programın kayıtları açık, kaydolmak istediğiniz programı belirtin
