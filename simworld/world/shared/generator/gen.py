import sys
sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
import plat, fakes, official, rest
plat.build_genuine(); plat.build_kit_a()
fakes.build_kit_b(); fakes.build_kit_c(); fakes.build_kit_r(); fakes.build_misc()
official.build_mem_portal(); official.build_provinces(); official.build_state_platforms(); official.build_infrastructure()
rest.build_sellers(); rest.build_parked(); rest.build_benign(); rest.build_domains()
from base import ALL
print(len(ALL), "sites")
