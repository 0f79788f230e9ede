use super::*;

fn ring(suite: Suite) -> Keyring {
    Keyring::new(&[7u8; 32], suite, &[])
}

#[test]
fn sealed_text_opens_and_hides_the_value() {
    for suite in [Suite::Aes, Suite::Sm4] {
        let r = ring(suite);
        let s = r.seal("13800000001");
        assert!(!s.contains("13800000001"), "{s}");
        assert_ne!(s, r.seal("13800000001"), "a fresh nonce each time");
        assert_eq!(r.open(&s).unwrap(), "13800000001");
        assert!(r.is_current(&s));
    }
}

#[test]
fn a_changed_byte_is_refused() {
    let r = ring(Suite::Aes);
    let s = r.seal("350203199001011234");
    let mut b = s.into_bytes();
    let last = b.len() - 1;
    b[last] = if b[last] == b'0' { b'1' } else { b'0' };
    assert!(matches!(r.open(&String::from_utf8(b).unwrap()), Err(VaultError::Damaged)));
}

#[test]
fn older_keys_open_and_find_but_only_the_current_seals() {
    let old = Keyring::new(&[1u8; 32], Suite::Aes, &[]);
    let sealed_old = old.seal("13800000001");
    let file_old = old.seal_bytes(b"\xff\xd8 jpeg");
    let new = Keyring::new(&[2u8; 32], Suite::Sm4, &[[1u8; 32]]);
    assert_eq!(new.open(&sealed_old).unwrap(), "13800000001");
    assert_eq!(new.open_bytes(&file_old).unwrap(), b"\xff\xd8 jpeg");
    assert!(!new.is_current(&sealed_old) && !new.is_current_bytes(&file_old));
    assert!(new.lookups(PHONE, "13800000001").contains(&old.lookup(PHONE, "13800000001")));
    assert_ne!(new.lookup(PHONE, "13800000001"), old.lookup(PHONE, "13800000001"));
    // Without the old key nothing opens.
    let alone = Keyring::new(&[2u8; 32], Suite::Sm4, &[]);
    assert!(matches!(alone.open(&sealed_old), Err(VaultError::UnknownKey(_))));
    assert!(alone.open_bytes(&file_old).is_err());
}

#[test]
fn look_up_hashes_keep_kinds_apart_and_are_stable() {
    let r = ring(Suite::Aes);
    assert_eq!(r.lookup(PHONE, "13800000001"), r.lookup(PHONE, "13800000001"));
    assert_ne!(r.lookup(PHONE, "13800000001"), r.lookup(ID_NUMBER, "13800000001"));
    assert_ne!(r.lookup(PHONE, "13800000001"), ring(Suite::Sm4).lookup(PHONE, "13800000001"));
}

#[test]
fn files_seal_and_values_from_before_sealing_read_as_they_are() {
    let r = ring(Suite::Sm4);
    let f = r.seal_bytes(b"%PDF-1.4 hello");
    assert!(!f.windows(5).any(|w| w == b"hello"));
    assert_eq!(r.open_bytes(&f).unwrap(), b"%PDF-1.4 hello");
    assert_eq!(r.open_bytes(b"plain").unwrap(), b"plain");
    assert_eq!(r.open("13800000001").unwrap(), "13800000001");
}

#[test]
fn master_keys_are_64_hex_digits() {
    assert!(Key::parse_master(&new_master_key()).is_ok());
    assert!(Key::parse_master("test-secret").is_err());
    assert!(Key::parse_master(&"ab".repeat(16)).is_err());
}

#[test]
fn sm4_gcm_matches_the_standard_vector() {
    // GB/T 36624 / RFC 8998 test vector for SM4-GCM.
    let key = hex::decode("0123456789ABCDEFFEDCBA9876543210").unwrap();
    let iv: [u8; 12] = hex::decode("00001234567800000000ABCD").unwrap().try_into().unwrap();
    let aad = hex::decode("FEEDFACEDEADBEEFFEEDFACEDEADBEEFABADDAD2").unwrap();
    let pt = hex::decode("AAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBCCCCCCCCCCCCCCCCDDDDDDDDDDDDDDDDEEEEEEEEEEEEEEEEFFFFFFFFFFFFFFFFEEEEEEEEEEEEEEEEAAAAAAAAAAAAAAAA").unwrap();
    let cipher = Sm4Gcm::new_from_slice(&key).unwrap();
    let out = cipher.encrypt(&aes_gcm::Nonce::<U12>::from(iv), aes_gcm::aead::Payload { msg: &pt, aad: &aad }).unwrap();
    let (ct, tag) = out.split_at(pt.len());
    assert_eq!(
        hex::encode_upper(ct),
        "17F399F08C67D5EE19D0DC9969C4BB7D5FD46FD3756489069157B282BB200735D82710CA5C22F0CCFA7CBF93D496AC15A56834CBCF98C397B4024A2691233B8D"
    );
    assert_eq!(hex::encode_upper(tag), "83DE3541E4C2B58177E065A9BF7B62EC");
}
