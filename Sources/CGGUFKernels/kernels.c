#include "cggufkernels.h"
