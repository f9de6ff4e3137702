/**
 * Passwords people pick most often (the head of the well-known "10k most common" lists, plus the usual
 * keyboard walks, years and "password"/"qwerty" variants), lower-cased. Sign-up and password changes
 * refuse these: they are the first guesses of any online or offline attack. Most are shorter than the
 * minimum length and would be refused anyway; the list is kept whole so it stays recognisable and easy to
 * extend. 1293 entries.
 */
const LIST = `
123456 password 12345678 qwerty 123456789 12345 1234 111111 1234567 dragon 123123 baseball abc123 football
monkey letmein 696969 shadow master 666666 qwertyuiop 123321 mustang 1234567890 michael 654321 superman
1qaz2wsx 7777777 121212 000000 qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter buster
soccer harley batman andrew tigger sunshine iloveyou 2000 charlie robert thomas hockey ranger daniel starwars
klaster 112233 george computer michelle jessica pepper 1111 zxcvbn 555555 11111111 131313 freedom 777777 pass
maggie 159753 aaaaaa ginger princess joshua cheese amanda summer love ashley nicole chelsea biteme matthew
access yankees 987654321 dallas austin thunder taylor matrix mobilemail mom monitor monitoring montana moon
moscow william corvette hello martin heather secret merlin diamond 1234qwer gfhjkm hammer silver 222222
88888888 anthony justin test bailey q1w2e3r4t5 patrick internet scooter orange 11111 golfer cookie richard
samantha bigdog guitar jackson whatever mickey chicken sparky snoopy maverick phoenix camaro peanut morgan
welcome falcon cowboy ferrari samsung andrea smokey steelers joseph mercedes dakota arsenal eagles melissa
boomer booboo spider nascar monster tigers yellow xxxxxx 123123123 gateway marina diablo bulldog qwer1234
compaq purple hardcore banana junior hannah 123654 porsche lakers iceman money cowboys 987654 london tennis
999999 ncc1701 coffee scooby 0000 miller boston q1w2e3r4 brandon yamaha chester mother forever johnny edward
333333 oliver redsox player nikita knight fender barney midnight please brandy chicago badboy slayer rangers
charles angel flower bigdaddy rabbit wizard bigdick jasper enter rachel chris 7777 victoria winter eagle1
tiger james gandalf jason winner rocket spiderman girls rainbow ou812 nothing tomcat apple 1111111 hello123
bond007 stupid startrek maxwell test123 admin admin123 administrator root toor passw0rd p@ssw0rd p@ssword
password1 password12 password123 password1234 password12345 password123456 passwordpassword password!
password1! password01 password2 password3 password99 passw0rd1 p@ssw0rd1 p@ssword1 p@ssw0rd123 qwerty123
qwerty1 qwerty12 qwerty1234 qwerty12345 qwerty123456 qwertyui qwertyu qwertyuiop1 qwertyuiop12 qwertyuiop123
qwertyuiopas qwertyuiopasdf qwertyuiopasdfgh qwertyuiopasdfghjkl qwertyuiopasdfghjklzxcvbnm qwertyqwerty
qwerty123qwerty asdfghjkl asdfghjkl1 asdfghjkl123 asdfghjklzxcvbnm asdf1234 asdfasdf asdfasdfasdf asdfghjk
asdfgh123 zxcvbnm1 zxcvbnm123 zxcvbnmasdfghjkl zxcvbnmasdf 1qaz2wsx3edc 1qaz2wsx3edc4rfv 1q2w3e4r 1q2w3e4r5t
1q2w3e4r5t6y 1q2w3e4r5t6y7u8i 1q2w3e 1qazxsw2 zaq12wsx zaq1zaq1 zaq1xsw2cde3 q1w2e3r4t5y6 q1w2e3r4t5y6u7i8
q1w2e3 qwe123 qweasd qweasdzxc qweasdzxc123 qazwsxedc qazwsxedcrfv qazwsxedc123 1qazxsw23edc 123qweasd
123qweasdzxc 123qwe123qwe qwe123qwe123 qwe123456 qwerty123! 123456789012 1234567890123 12345678901 123456789a
123456789q 1234567890q 1234567890qwerty 12345678910 123456789101112 1234512345 123451234512345 12341234
123412341234 1234512345123 123123123123 121212121212 111111111111 1111111111 11111111111 000000000000
0000000000 00000000 999999999999 9999999999 888888888888 777777777777 666666666666 555555555555 444444444444
333333333333 222222222222 112233445566 11223344 1122334455 123321123321 123454321 1234554321 12344321
0123456789 01234567890 0987654321 09876543210 987654321012 9876543210 98765432 87654321 abcdef abcdefg
abcdefgh abcdefghi abcdefghij abcdefghijkl abcdefghijklm abcdefghijklmnop abcd1234 abcd1234abcd abc12345
abc123456 abc123456789 abcabcabcabc abcdabcdabcd aaaaaaaaaaaa aaaaaaaaaa aaaaaaaa a1b2c3d4 a1b2c3d4e5f6 a1b2c3
1a2b3c4d 1a2b3c4d5e6f iloveyou1 iloveyou2 iloveyou123 iloveyouiloveyou iloveyoubaby iloveyousomuch iloveu
iloveyouforever iloveme iloveme123 letmein1 letmein123 letmeinletmein letmeinplease welcome1 welcome123
welcome1234 welcome2024 welcome2025 welcome2026 welcometo welcomewelcome changeme changeme123 changeme1234
changemenow changethis changeit default default123 defaultpassword secret123 secretpassword mysecret
mypassword mypassword1 mypassword123 mypass newpassword newpassword1 newpassword123 newpass oldpassword
temppassword temp1234 temporary password2020 password2021 password2022 password2023 password2024 password2025
password2026 summer2020 summer2021 summer2022 summer2023 summer2024 summer2025 winter2020 winter2021
winter2022 winter2023 winter2024 winter2025 spring2023 spring2024 spring2025 autumn2024 football1 football12
football123 baseball1 baseball123 basketball basketball1 soccer123 hockey123 superman1 superman123 batman123
batman1234 spiderman1 spiderman123 starwars1 starwars123 pokemon pokemon123 minecraft minecraft123 fortnite
roblox roblox123 naruto princess1 princess123 sunshine1 sunshine123 shadow123 shadow1234 monkey123 monkey1234
dragon123 dragon1234 master123 master1234 michael1 michael123 jordan23 jordan123 charlie123 charlie1 jessica1
jessica123 ashley123 nicole123 daniel123 andrew123 matthew123 thomas123 robert123 william123 jennifer1
jennifer123 michelle1 michelle123 hunter2 hunter123 freedom1 freedom123 trustno1trustno1 whatever1 whatever123
computer1 computer123 internet1 internet123 samsung123 samsung1 apple123 apple1234 google google123 google1234
facebook facebook123 linkedin twitter yahoo123 hotmail gmail microsoft microsoft123 windows windows123 linux
linux123 ubuntu ubuntu123 debian oracle oracle123 mysql postgres postgres123 database admin1234 admin12345
admin123456 administrator1 adminadmin adminadmin123 rootroot root1234 root123 toor123 test1234 test12345
testtest testing testing123 testtest123 tester guest guest123 user user123 user1234 demo demo123 login
login123 loginpassword access14 accessdenied letmeinnow opensesame opensesame123 blink182 metallica nirvana
eminem slipknot linkinpark greenday beatles ledzeppelin pinkfloyd liverpool chelsea1 arsenal1 manchester
manutd barcelona realmadrid juventus ronaldo messi messi10 cristiano ronaldo7 neymar lebron kobe24 jordan2323
michaeljordan harrypotter hogwarts gryffindor voldemort hermione starwars2 darthvader skywalker jedi yoda
lordoftherings frodo gandalf1 matrix1 neo morpheus terminator ironman captainamerica avengers thor hulk
wolverine deadpool xmen pikachu charizard mario supermario zelda sonic playstation playstation2 xbox360
nintendo gamer gaming computerscience programmer developer coding javascript python java123 hacker hacking
cyber security qwerty! 1234! !@#$%^&* !@#$%^ !qaz2wsx !qaz@wsx 1qaz@wsx 1qaz!qaz qaz123 qazqaz wsx123 edc123
azerty azerty123 azertyuiop azertyuiop123 qwertz qwertz123 qwertzuiop 1q2w3e4r5t6y7u 1q2w3e4r5t6y7u8i9o
1q2w3e4r5t6y7u8i9o0p q1w2e3r4t5y6u7i8o9p0 zxcvbnm,./ 1234qwerasdfzxcv qwerasdfzxcv qwerasdf qweqweqwe
qazqazqaz asdasdasd asdasd zxczxc zxczxczxc abc123abc123 aaa111 aaa123 abc111 111aaa 123abc 123abc123abc
1234abcd loveyou lovely loveme lovelove love123 love1234 lover lovers iloveu2 babygirl babygirl1 baby123
babyboy angel123 angel1 angels sweetheart sweetie honey honey123 kitten kitty kittycat puppy puppies doggy
doggie lucky lucky123 lucky7 blessed blessed1 blessing jesus jesus1 jesus123 jesuschrist christ god godisgood
faith faith123 heaven hallelujah family family1 family123 mommy daddy mommy1 mother1 father friends friends1
friendship forever1 together mylove myangel myworld beautiful beautiful1 pretty gorgeous princesa familia
contraseña contrasena passwort motdepasse parola senha senha123 haslo qwerty12345678 1234567891 12345678911
123456789123 1234567899 12345678900 123456780 1234567812345678 123456123456 654321654321 123456654321
147258369 147852369 159357 159753159753 1597534862 741852963 789456123 789456 456789 456123 147258 258369
369258147 963852741 321654987 135792468 1357924680 24682468 13579 2468 13571357 246813579 102030 10203040
1020304050 5201314 520520 1314520 woaini woaini1314 aini1314 asd123 asd123456 zxc123 zxc123456 qwe12345 qweqwe
qwerty7 qwerty11 ihateyou fuckyou fuckoff asshole bitch sexy sexy123 hottie hotmail1 pussy fucker shithead
dickhead letmein2 mustang1 corvette1 camaro1 ferrari1 porsche911 mercedes1 bmw bmw123 audi toyota honda nissan
ford ford150 chevy harley1 ducati yamaha1 kawasaki suzuki yankees1 redsox1 dodgers lakers1 celtics bulls
cowboys1 steelers1 packers patriots broncos raiders giants eagles1 bears vikings saints ravens chargers
seahawks newyork california texas florida london1 paris paris123 berlin tokyo america america1 canada
australia england germany france italy spain mexico brazil india china japan summer1 winter1 spring autumn
january february march april may june july august september october november december monday friday sunday
weekend holiday vacation chocolate chocolate1 cookies candy cupcake pizza pizza123 burger icecream coffee1
banana1 orange1 apple1 cherry strawberry pineapple peaches lemon mango watermelon purple1 yellow1 green blue
red black white silver1 golden gold diamond1 crystal rainbow1 butterfly butterfly1 flower1 flowers rose
sunflower daisy lily jasmine tigger1 snoopy1 garfield scooby1 mickey1 minnie donald goofy pluto simba nemo
elephant giraffe lion tiger1 panther jaguar cheetah wolf wolves bear fox eagle hawk falcon1 dolphin shark
whale turtle monkey1 donkey horse horses pony unicorn dragon1 dragons phoenix1 griffin wizard1 magic magician
merlin1 sorcerer witch vampire zombie ghost demon devil satan 666 lucifer hell hellfire heaven1 angel7 killer1
killer123 assassin sniper soldier warrior warrior1 knight1 samurai ninja ninja123 pirate viking spartan
gladiator hunter1 ranger1 sniper1 commander captain general sergeant major colonel admiral legend legend1 hero
superhero champion winner1 victory success money1 money123 cash dollar rich millionaire billionaire boss
bigboss chief king king123 queen queen123 prince prince1 princess2 royal master1 mistress slave freedom2
liberty justice peace peace1 harmony nature earth planet universe galaxy star stars starlight sunshine2
moonlight moon1 sun sky ocean water fire ice snow rain storm thunder1 lightning tornado hurricane music music1
music123 guitar1 piano drums singer dance dancer rock rocknroll rockstar metal punk jazz blues hiphop rap
rapper dj party party1 happy happy1 happy123 smile smile1 funny crazy crazy1 silly cool cool123 awesome
awesome1 amazing great super superstar star123 number1 numberone first best best1 top abcdefg1 alphabet alpha
beta gamma delta omega alpha123 zeta sigma trustme believe dream dreams dreamer imagine nothing1 something
anything everything whatever2 unknown secret1 private hidden mystery enigma puzzle riddle question answer yes
no maybe okay ok hello1 hello1234 hellohello helloworld helloworld1 hello2 hi hiya hey heyhey goodbye bye
byebye welcome2 thankyou thanks please1 sorry excuse pardon fuckyou1 fuckyou2 iloveyou3 mypassword2 letmein3
password4 password5 password6 password7 password8 password9 password0 password10 password11 password13
password69 password77 password88 password007 passwords passpass pass123 pass1234 pass12345 pass@123 pass@word
pass@word1 passw0rd! passw0rd123 passwd passwort1 passwort123 pa55word pa55w0rd pa$$word pa$$w0rd p4ssw0rd
p4ssword qwerty2 qwerty3 qwerty5 qwerty6 qwerty8 qwerty9 qwerty0 qwertyy qwertyuiop[] correcthorse
correcthorsebattery correcthorsebatterystaple tr0ub4dor&3 iamthebest iamgod iamcool iamawesome imcool letsgo
letsgo123 goodluck goodtimes sunshineday beautifulday happydays happyday nicetomeetyou howareyou whoami
`;

const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter((word) => word !== ''));

/** True for a password on the common list, ignoring case ("Password1234" is as weak as "password1234"). */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(password.toLowerCase());
}
