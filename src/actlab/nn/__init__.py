"""From-scratch NumPy neural networks whose layers use the actlab catalog.

Forward caches what backward needs; backward returns the input gradient and accumulates parameter
gradients (micrograd / numpy-ml style).  Every catalog activation can be a layer, learnable activation
parameters (PReLU, Swish beta, Snake alpha, ...) are trained, and float32/float64 are kept end to end.
"""
from .classic import ConvergenceWarning, LogisticRegression, Perceptron
from .init import (Initializer, default_init, glorot_normal, glorot_uniform, he_normal, he_uniform, initialize,
                   kaiming_normal, kaiming_uniform, lecun_normal, lecun_uniform, xavier_normal, xavier_uniform)
from .layers import Activation, Dense, Maxout, Neuron, input_size_for
from .losses import MSE, BinaryCrossEntropyWithLogits, Loss, SoftmaxCrossEntropy, get_loss
from .model import MLP, Sequential
from .module import Module, Parameter
from .optim import SGD, Adam, Optimizer, get_optimizer
from .train import History, accuracy, fit, predict, predict_classes

__all__ = ["Activation", "Adam", "BinaryCrossEntropyWithLogits", "ConvergenceWarning", "Dense", "History",
           "Initializer", "Loss", "LogisticRegression", "MLP", "MSE", "Maxout", "Module", "Neuron", "Optimizer",
           "Parameter", "Perceptron", "SGD", "Sequential", "SoftmaxCrossEntropy", "accuracy", "default_init",
           "fit", "get_loss", "get_optimizer", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
           "initialize", "input_size_for", "kaiming_normal", "kaiming_uniform", "lecun_normal", "lecun_uniform",
           "predict", "predict_classes", "xavier_normal", "xavier_uniform"]
