#ifndef CGGUFKERNELS_H
#define CGGUFKERNELS_H
#endif
