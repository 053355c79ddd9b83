/**
 * Mixed scripts, by the "highly restrictive" level of UTS #39 section 5.2.
 *
 * A name may use one script (`alice`, `Дмитрий`, `李小龍`), or Latin with the scripts Chinese,
 * Japanese and Korean are written in together with it (`田中taro`, `すずきsan`). Anything else
 * mixes scripts (`аlice` with a Cyrillic а, `Ꭺlice` with a Cherokee Ꭺ) and is refused. Digits,
 * `_ - .` and combining accents belong to every script (Common, Inherited).
 *
 * Which scripts a character belongs to is its Script_Extensions property, which JavaScript
 * regular expressions know (`\p{scx=Latin}`), so no data file is needed.
 */

/** Unicode 17.0's scripts (PropertyValueAliases.txt), without Common, Inherited and Unknown. */
const SCRIPT_NAMES = [
  'Adlam',
  'Ahom',
  'Anatolian_Hieroglyphs',
  'Arabic',
  'Armenian',
  'Avestan',
  'Balinese',
  'Bamum',
  'Bassa_Vah',
  'Batak',
  'Bengali',
  'Beria_Erfe',
  'Bhaiksuki',
  'Bopomofo',
  'Brahmi',
  'Braille',
  'Buginese',
  'Buhid',
  'Canadian_Aboriginal',
  'Carian',
  'Caucasian_Albanian',
  'Chakma',
  'Cham',
  'Cherokee',
  'Chorasmian',
  'Coptic',
  'Cuneiform',
  'Cypriot',
  'Cypro_Minoan',
  'Cyrillic',
  'Deseret',
  'Devanagari',
  'Dives_Akuru',
  'Dogra',
  'Duployan',
  'Egyptian_Hieroglyphs',
  'Elbasan',
  'Elymaic',
  'Ethiopic',
  'Garay',
  'Georgian',
  'Glagolitic',
  'Gothic',
  'Grantha',
  'Greek',
  'Gujarati',
  'Gunjala_Gondi',
  'Gurmukhi',
  'Gurung_Khema',
  'Han',
  'Hangul',
  'Hanifi_Rohingya',
  'Hanunoo',
  'Hatran',
  'Hebrew',
  'Hiragana',
  'Imperial_Aramaic',
  'Inscriptional_Pahlavi',
  'Inscriptional_Parthian',
  'Javanese',
  'Kaithi',
  'Kannada',
  'Katakana',
  'Kawi',
  'Kayah_Li',
  'Kharoshthi',
  'Khitan_Small_Script',
  'Khmer',
  'Khojki',
  'Khudawadi',
  'Kirat_Rai',
  'Lao',
  'Latin',
  'Lepcha',
  'Limbu',
  'Linear_A',
  'Linear_B',
  'Lisu',
  'Lycian',
  'Lydian',
  'Mahajani',
  'Makasar',
  'Malayalam',
  'Mandaic',
  'Manichaean',
  'Marchen',
  'Masaram_Gondi',
  'Medefaidrin',
  'Meetei_Mayek',
  'Mende_Kikakui',
  'Meroitic_Cursive',
  'Meroitic_Hieroglyphs',
  'Miao',
  'Modi',
  'Mongolian',
  'Mro',
  'Multani',
  'Myanmar',
  'Nabataean',
  'Nag_Mundari',
  'Nandinagari',
  'New_Tai_Lue',
  'Newa',
  'Nko',
  'Nushu',
  'Nyiakeng_Puachue_Hmong',
  'Ogham',
  'Ol_Chiki',
  'Ol_Onal',
  'Old_Hungarian',
  'Old_Italic',
  'Old_North_Arabian',
  'Old_Permic',
  'Old_Persian',
  'Old_Sogdian',
  'Old_South_Arabian',
  'Old_Turkic',
  'Old_Uyghur',
  'Oriya',
  'Osage',
  'Osmanya',
  'Pahawh_Hmong',
  'Palmyrene',
  'Pau_Cin_Hau',
  'Phags_Pa',
  'Phoenician',
  'Psalter_Pahlavi',
  'Rejang',
  'Runic',
  'Samaritan',
  'Saurashtra',
  'Sharada',
  'Shavian',
  'Siddham',
  'Sidetic',
  'SignWriting',
  'Sinhala',
  'Sogdian',
  'Sora_Sompeng',
  'Soyombo',
  'Sundanese',
  'Sunuwar',
  'Syloti_Nagri',
  'Syriac',
  'Tagalog',
  'Tagbanwa',
  'Tai_Le',
  'Tai_Tham',
  'Tai_Viet',
  'Tai_Yo',
  'Takri',
  'Tamil',
  'Tangsa',
  'Tangut',
  'Telugu',
  'Thaana',
  'Thai',
  'Tibetan',
  'Tifinagh',
  'Tirhuta',
  'Todhri',
  'Tolong_Siki',
  'Toto',
  'Tulu_Tigalari',
  'Ugaritic',
  'Vai',
  'Vithkuqi',
  'Wancho',
  'Warang_Citi',
  'Yezidi',
  'Yi',
  'Zanabazar_Square',
] as const;

/** Latin plus Han with the scripts written beside it: Japanese, Chinese (Bopomofo), Korean. */
const ALLOWED_MIXES: readonly (readonly string[])[] = [
  ['Latin', 'Han', 'Hiragana', 'Katakana'],
  ['Latin', 'Han', 'Bopomofo'],
  ['Latin', 'Han', 'Hangul'],
];

const EVERY_SCRIPT = /[\p{scx=Common}\p{scx=Inherited}]/u;

let scriptTests: ReadonlyMap<string, RegExp> | undefined;

/** One test per script this JavaScript engine knows (an older one may not know the newest). */
function scripts(): ReadonlyMap<string, RegExp> {
  scriptTests ??= new Map(
    SCRIPT_NAMES.flatMap((name) => {
      try {
        return [[name, new RegExp(`\\p{scx=${name}}`, 'u')] as const];
      } catch {
        return [];
      }
    }),
  );
  return scriptTests;
}

/**
 * The scripts `char` (one code point) is written in: its Script_Extensions, or undefined when it
 * belongs to every script (Common, Inherited). A character of a script this engine does not know
 * gets a script of its own, so it mixes with nothing.
 */
export function scriptsOf(char: string): ReadonlySet<string> | undefined {
  if (EVERY_SCRIPT.test(char)) return undefined;
  let found = known.get(char);
  if (found !== undefined) return found;
  const names = new Set<string>();
  for (const [name, test] of scripts()) if (test.test(char)) names.add(name);
  if (names.size === 0) names.add(`Unknown-${char.codePointAt(0)!.toString(16)}`);
  found = names;
  // Testing every script is the slow part; the characters names use are few, so remember them,
  // up to a bound (random input could otherwise fill memory).
  if (known.size >= MAX_KNOWN) known.clear();
  known.set(char, found);
  return found;
}

const MAX_KNOWN = 4096;
const known = new Map<string, ReadonlySet<string>>();

const ASCII = /^[\0-\x7f]*$/;

/** Whether `text` is one script, or Latin mixed only as Chinese, Japanese or Korean text is. */
export function isHighlyRestrictive(text: string): boolean {
  // ASCII letters are all Latin; ASCII digits and punctuation belong to every script.
  if (ASCII.test(text)) return true;
  const chars = [...new Set(text)].filter((char) => !EVERY_SCRIPT.test(char));
  if (chars.length === 0) return true;
  // One script: the first character's scripts, narrowed by each of the others. Only the first
  // is tested against every script; the others only against the scripts still in the running.
  let shared = [...scriptsOf(chars[0]!)!];
  for (const char of chars.slice(1)) {
    shared = shared.filter((script) => scripts().get(script)?.test(char) === true);
    if (shared.length === 0) break;
  }
  if (shared.length > 0) return true;
  // An allowed mix: every character belongs to one of the mix's scripts.
  return ALLOWED_MIXES.some((mix) =>
    chars.every((char) => mix.some((script) => scripts().get(script)?.test(char) === true)),
  );
}
