function p = predict(Theta1, Theta2, X)
% The course's predict.m (ex4): the label of the largest output unit, 1..K.
m = size(X, 1);
h1 = sigmoid([ones(m, 1) X] * Theta1');
h2 = sigmoid([ones(m, 1) h1] * Theta2');
[dummy, p] = max(h2, [], 2);
end
