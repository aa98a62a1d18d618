## The problems an answer can report: a title and a detail for each slug.
## JSON answers keep their English `title`; the pages and `detail` use these.

problem-malformed-body-title = İstek gövdesi düzgün biçimlendirilmemiş
problem-malformed-body-detail = UTF-8 kodlamalı bir JSON nesnesi veya URL kodlamalı bir form gönderin.
problem-registration-closed-title = Kayıtlar kapandı
problem-registration-closed-detail = Bu etkinliğin kayıtları kapanmıştır.
problem-registration-not-open-title = Kayıtlar henüz açılmadı
problem-registration-not-open-detail = Bu programın kayıtları henüz açılmadı. Lütfen kayıtlar açıldığında yeniden ziyaret edin.
problem-already-registered-title = Bu e-posta adresiyle zaten kayıt yapılmış
problem-already-registered-detail = Bu e-posta adresiyle bu etkinliğe zaten kayıt yapılmış. Henüz onaylamadıysanız gelen kutunuza bakın: son on dakika içinde göndermediysek onay bağlantısını yeniden gönderdik.
problem-payload-too-large-title = İstek gövdesi çok büyük
problem-payload-too-large-detail = İstek gövdesi en fazla 16 KiB olmalıdır.
problem-unsupported-media-type-title = Desteklenmeyen içerik türü
problem-unsupported-media-type-detail = UTF-8 kodlamalı application/json veya application/x-www-form-urlencoded gönderin.
problem-validation-title = Bazı alanlar geçersiz
problem-validation-detail = Bir veya daha fazla alan geçersiz; errors alanına bakın.
problem-too-many-requests-title = Ağınızdan çok fazla kayıt geldi
problem-too-many-requests-detail = Son bir saat içinde ağınızdan çok fazla kayıt geldi. Lütfen daha sonra yeniden deneyin.
problem-internal-title = Bizim tarafımızda bir sorun oluştu
problem-internal-detail = Lütfen daha sonra yeniden deneyin.
problem-unavailable-title = Hizmet geçici olarak kullanılamıyor
problem-unavailable-detail = Lütfen birkaç dakika sonra yeniden deneyin.
problem-not-found-title = Bulunamadı
problem-not-found-detail = Bu adreste bir şey yok.
problem-method-not-allowed-title = Yönteme izin verilmiyor
problem-method-not-allowed-detail = Bu adres bu yöntemi kabul etmiyor.
problem-cross-site-title = Bu istek başka bir siteden geldi
problem-cross-site-detail = Bu isteği yalnızca bu sitenin kendi sayfaları gönderebilir. E-postanızdaki bağlantıyı açın ve o sayfadaki düğmeyi kullanın.
problem-missing-token-title = Bağlantıda belirteç yok
problem-missing-token-detail = E-postayla gönderilen bağlantıdaki belirteci gönderin.
problem-unknown-token-title = Bu bağlantı geçerli değil
problem-unknown-token-detail = Belirteç bilinmiyor veya değiştirilmiş. Son e-postanızdaki bağlantıyı kullanın.
problem-event-started-title = Webinar başladı
problem-event-started-detail = Webinar başladıktan sonra kayıtlar değiştirilemez.
